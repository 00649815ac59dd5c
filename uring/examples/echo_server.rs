//! A TCP echo server on io_uring's safe layer: one multishot accept, one multishot
//! receive per connection into a shared buffer ring, and each received buffer sent
//! back as it is (the buffer returns to the ring when its send completes).
//!
//! `cargo run --release --example echo_server -- 127.0.0.1:PORT` (runs until killed)

use std::collections::{HashMap, VecDeque};
use std::io;
use std::net::TcpListener;
use std::os::fd::OwnedFd;
use std::process::ExitCode;

use uring::api::owned::{
    ops::{AcceptMulti, RecvMulti, Send},
    BufGuard, BufRing, Done, Driver,
};

const USAGE: &str = "usage: echo_server ADDR:PORT

Echoes back whatever each TCP client sends, until killed. Uses io_uring multishot accept,
multishot receive into a provided-buffer ring, and send.";

/// Tags: connection id << 2 | kind.
const ACCEPT: u64 = 0;
const RECV: u64 = 1;
const SEND: u64 = 2;

struct Conn {
    fd: OwnedFd,
    /// Received, not yet sent (in order; one send in flight at a time keeps it so).
    out: VecDeque<BufGuard>,
    /// A send is in flight.
    sending: bool,
    /// The multishot receive is armed.
    receiving: bool,
    /// The peer closed (or failed): close once the queue is empty.
    closing: bool,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let [addr] = args.as_slice() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    match serve(addr) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("echo_server: {e}");
            ExitCode::FAILURE
        }
    }
}

fn serve(addr: &str) -> io::Result<()> {
    let listener = TcpListener::bind(addr)?;
    let mut driver = Driver::new(256)?;
    let ring = driver.register_buf_ring(0, 256, 4096)?;
    driver.push(AcceptMulti::new(&listener), ACCEPT)?;
    println!("echo_server: listening on {}", listener.local_addr()?);
    let mut server = Server {
        driver,
        ring,
        listener,
        conns: HashMap::new(),
        next_id: 1,
        stalled: VecDeque::new(),
    };
    loop {
        let done = server.driver.wait()?;
        let (id, kind) = (done.tag() >> 2, done.tag() & 3);
        match kind {
            ACCEPT => server.on_accept(done)?,
            RECV => server.on_recv(id, done)?,
            _ => server.on_sent(id, done)?,
        }
        server.unstall()?;
    }
}

struct Server {
    driver: Driver,
    ring: BufRing,
    listener: TcpListener,
    conns: HashMap<u64, Conn>,
    next_id: u64,
    /// Connections whose receive stopped for want of buffers.
    stalled: VecDeque<u64>,
}

impl Server {
    fn on_accept(&mut self, mut done: Done) -> io::Result<()> {
        if let Some(fd) = done.take_fd() {
            let id = self.next_id;
            self.next_id += 1;
            self.driver.push(RecvMulti::new(&fd, &self.ring), id << 2 | RECV)?;
            let conn = Conn {
                fd,
                out: VecDeque::new(),
                sending: false,
                receiving: true,
                closing: false,
            };
            self.conns.insert(id, conn);
        }
        if !done.more() {
            // The multishot accept ended (an error, or the kernel ran out of room): re-arm.
            if let Err(e) = done.result() {
                eprintln!("echo_server: accept: {e}");
            }
            self.driver.push(AcceptMulti::new(&self.listener), ACCEPT)?;
        }
        Ok(())
    }

    fn on_recv(&mut self, id: u64, mut done: Done) -> io::Result<()> {
        let Some(conn) = self.conns.get_mut(&id) else {
            return Ok(());
        };
        if let Some(buf) = done.take_buffer() {
            if !buf.is_empty() {
                conn.out.push_back(buf);
            }
        }
        if !done.more() {
            conn.receiving = false;
            match done.result() {
                // Out of buffers: they come back as sends complete; re-armed then.
                Err(e) if e.raw_os_error() == Some(libc::ENOBUFS) => self.stalled.push_back(id),
                // Still data (the kernel ended the multishot for its own reasons): re-arm.
                Ok(n) if n > 0 => {
                    self.driver.push(RecvMulti::new(&conn.fd, &self.ring), id << 2 | RECV)?;
                    conn.receiving = true;
                }
                // End of stream or an error: finish sending, then close.
                _ => conn.closing = true,
            }
        }
        self.pump(id)
    }

    fn on_sent(&mut self, id: u64, done: Done) -> io::Result<()> {
        let Some(conn) = self.conns.get_mut(&id) else {
            return Ok(());
        };
        conn.sending = false;
        // The first send of a chunk carries its ring buffer; a resent rest is a copy.
        let (res, rest) = match done.output::<Send<BufGuard>>() {
            Ok((res, buf)) => {
                let rest = unsent(&res, &buf);
                (res, rest)
            }
            Err(done) => match done.output::<Send<Vec<u8>>>() {
                Ok((res, buf)) => {
                    let rest = unsent(&res, &buf);
                    (res, rest)
                }
                Err(_) => return Ok(()),
            },
        };
        match (res, rest) {
            (Ok(_), Some(rest)) if !rest.is_empty() => {
                // A short send: the rest goes first.
                self.driver.push(Send::new(&conn.fd, rest), id << 2 | SEND)?;
                conn.sending = true;
            }
            (Ok(_), _) => {}
            (Err(_), _) => conn.closing = true,
        }
        self.pump(id)
    }

    /// Start the next send, or close a finished connection.
    fn pump(&mut self, id: u64) -> io::Result<()> {
        let Some(conn) = self.conns.get_mut(&id) else {
            return Ok(());
        };
        if !conn.sending {
            if let Some(buf) = conn.out.pop_front() {
                self.driver.push(Send::new(&conn.fd, buf), id << 2 | SEND)?;
                conn.sending = true;
            }
        }
        if conn.closing && !conn.sending && !conn.receiving && conn.out.is_empty() {
            // Nothing of this connection is in flight: the descriptor can go.
            self.conns.remove(&id);
        }
        Ok(())
    }

    /// Re-arm receives that ran out of buffers, now that some are back.
    fn unstall(&mut self) -> io::Result<()> {
        while self.ring.available() > 0 {
            let Some(id) = self.stalled.pop_front() else { break };
            let Some(conn) = self.conns.get_mut(&id) else { continue };
            if !conn.receiving && !conn.closing {
                self.driver.push(RecvMulti::new(&conn.fd, &self.ring), id << 2 | RECV)?;
                conn.receiving = true;
            }
        }
        Ok(())
    }
}

/// What a send of `buf` that returned `res` left unsent.
fn unsent(res: &io::Result<u32>, buf: &[u8]) -> Option<Vec<u8>> {
    let sent = *res.as_ref().ok()? as usize;
    buf.get(sent..).map(<[u8]>::to_vec)
}
