//! A small HTTP/1.1 static file server on io_uring's safe layer: GET and HEAD,
//! keep-alive (and pipelined requests), 404 for missing files, many clients at once,
//! all from one thread and one ring.
//!
//! `cargo run --release --example http_server -- ROOT 127.0.0.1:PORT` (runs until killed)

use std::collections::HashMap;
use std::fs::File;
use std::io;
use std::net::TcpListener;
use std::os::fd::OwnedFd;
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use uring::api::owned::{
    ops::{AcceptMulti, Read, Recv, Send},
    Done, Driver,
};

const USAGE: &str = "usage: http_server ROOT ADDR:PORT

Serves the files under ROOT over HTTP/1.1 (GET and HEAD, keep-alive, 404 for missing
files) until killed. `/` serves ROOT/index.html.";

/// Tags: connection id << 2 | kind.
const ACCEPT: u64 = 0;
const RECV: u64 = 1;
const READ_FILE: u64 = 2;
const SEND: u64 = 3;

/// Largest request head accepted.
const MAX_HEAD: usize = 16 * 1024;

struct Conn {
    fd: OwnedFd,
    /// Bytes received and not yet parsed.
    input: Vec<u8>,
    /// The response being assembled (head, then the file) or sent.
    response: Option<Pending>,
    /// Close after the current response.
    close_after: bool,
}

/// A response whose body is being read from its file.
struct Pending {
    head: Vec<u8>,
    file: File,
    body: Vec<u8>,
    size: usize,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let [root, addr] = args.as_slice() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    match serve(Path::new(root), addr) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("http_server: {e}");
            ExitCode::FAILURE
        }
    }
}

fn serve(root: &Path, addr: &str) -> io::Result<()> {
    let root = root.canonicalize()?;
    let listener = TcpListener::bind(addr)?;
    let mut server = Server {
        driver: Driver::new(256)?,
        root,
        conns: HashMap::new(),
        next_id: 1,
    };
    server.driver.push(AcceptMulti::new(&listener), ACCEPT)?;
    println!(
        "http_server: serving {} on http://{}",
        server.root.display(),
        listener.local_addr()?
    );
    loop {
        let done = server.driver.wait()?;
        let (id, kind) = (done.tag() >> 2, done.tag() & 3);
        let outcome = match kind {
            ACCEPT => {
                if !done.more() {
                    server.driver.push(AcceptMulti::new(&listener), ACCEPT)?;
                }
                server.on_accept(done)
            }
            RECV => server.on_recv(id, done),
            READ_FILE => server.on_file_read(id, done),
            _ => server.on_sent(id, done),
        };
        if let Err(e) = outcome {
            // One client's trouble (a reset, a vanished file) is not the server's.
            eprintln!("http_server: connection {id}: {e}");
            server.conns.remove(&id);
        }
    }
}

struct Server {
    driver: Driver,
    root: PathBuf,
    conns: HashMap<u64, Conn>,
    next_id: u64,
}

impl Server {
    fn on_accept(&mut self, mut done: Done) -> io::Result<()> {
        let Some(fd) = done.take_fd() else { return Ok(()) };
        let id = self.next_id;
        self.next_id += 1;
        self.driver
            .push(Recv::new(&fd, Vec::with_capacity(4096)), id << 2 | RECV)?;
        let conn = Conn {
            fd,
            input: Vec::new(),
            response: None,
            close_after: false,
        };
        self.conns.insert(id, conn);
        Ok(())
    }

    fn on_recv(&mut self, id: u64, done: Done) -> io::Result<()> {
        let (res, buf) = done
            .output::<Recv<Vec<u8>>>()
            .map_err(|_| io::Error::other("unexpected completion"))?;
        let Some(conn) = self.conns.get_mut(&id) else {
            return Ok(());
        };
        let n = res? as usize;
        if n == 0 {
            // The client closed its side; nothing of this connection is in flight.
            self.conns.remove(&id);
            return Ok(());
        }
        conn.input.extend_from_slice(&buf[..n]);
        self.next_request(id, buf)
    }

    /// Answer the next complete request in the input, or receive more.
    fn next_request(&mut self, id: u64, mut spare: Vec<u8>) -> io::Result<()> {
        let Some(conn) = self.conns.get_mut(&id) else {
            return Ok(());
        };
        let Some(end) = find(&conn.input, b"\r\n\r\n") else {
            if conn.input.len() > MAX_HEAD {
                let resp = simple(431, "Request Header Fields Too Large", true);
                conn.close_after = true;
                return self.send(id, resp);
            }
            spare.clear();
            self.driver.push(Recv::new(&conn.fd, spare), id << 2 | RECV)?;
            return Ok(());
        };
        let head: Vec<u8> = conn.input.drain(..end + 4).collect();
        let request = parse(&head);
        conn.close_after = request.close;
        let response = match request.method.as_str() {
            "GET" | "HEAD" => match resolve(&self.root, &request.path) {
                Some(path) => match File::open(&path).and_then(|f| f.metadata().map(|m| (f, m))) {
                    Ok((file, meta)) if meta.is_file() => {
                        let size = meta.len() as usize;
                        let head = format!(
                            "HTTP/1.1 200 OK\r\nContent-Length: {size}\r\nContent-Type: {}\r\n{}\r\n",
                            content_type(&path),
                            if request.close { "Connection: close\r\n" } else { "" }
                        );
                        if request.method == "HEAD" || size == 0 {
                            head.into_bytes()
                        } else {
                            let pending = Pending {
                                head: head.into_bytes(),
                                file,
                                body: Vec::with_capacity(size),
                                size,
                            };
                            return self.read_body(id, pending);
                        }
                    }
                    _ => simple(404, "Not Found", request.close),
                },
                None => simple(404, "Not Found", request.close),
            },
            _ => simple(405, "Method Not Allowed", request.close),
        };
        self.send(id, response)
    }

    /// Read the rest of the body (from `body.len()` on) into its buffer.
    fn read_body(&mut self, id: u64, mut pending: Pending) -> io::Result<()> {
        let Some(conn) = self.conns.get_mut(&id) else {
            return Ok(());
        };
        let at = pending.body.len();
        let body = std::mem::take(&mut pending.body);
        let read = Read::new(&pending.file, body, at as u64);
        conn.response = Some(pending);
        self.driver.push(read, id << 2 | READ_FILE)?;
        Ok(())
    }

    fn on_file_read(&mut self, id: u64, done: Done) -> io::Result<()> {
        let (res, body) = done
            .output::<Read<Vec<u8>>>()
            .map_err(|_| io::Error::other("unexpected completion"))?;
        let Some(conn) = self.conns.get_mut(&id) else {
            return Ok(());
        };
        let Some(mut pending) = conn.response.take() else {
            return Ok(());
        };
        let n = res?;
        pending.body = body;
        if n == 0 || pending.body.len() >= pending.size {
            if pending.body.len() < pending.size {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "file shrank while serving it",
                ));
            }
            let mut response = pending.head;
            response.extend_from_slice(&pending.body);
            return self.send(id, response);
        }
        self.read_body(id, pending)
    }

    fn send(&mut self, id: u64, response: Vec<u8>) -> io::Result<()> {
        let Some(conn) = self.conns.get(&id) else { return Ok(()) };
        self.driver.push(Send::new(&conn.fd, response), id << 2 | SEND)?;
        Ok(())
    }

    fn on_sent(&mut self, id: u64, done: Done) -> io::Result<()> {
        let (res, mut response) = done
            .output::<Send<Vec<u8>>>()
            .map_err(|_| io::Error::other("unexpected completion"))?;
        let n = res? as usize;
        if n < response.len() {
            response.drain(..n);
            return self.send(id, response);
        }
        let Some(conn) = self.conns.get(&id) else { return Ok(()) };
        if conn.close_after {
            self.conns.remove(&id);
            return Ok(());
        }
        response.clear();
        self.next_request(id, response)
    }
}

struct Request {
    method: String,
    path: String,
    close: bool,
}

fn parse(head: &[u8]) -> Request {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.split("\r\n");
    let mut first = lines.next().unwrap_or("").split(' ');
    let method = first.next().unwrap_or("").to_string();
    let path = first.next().unwrap_or("/").to_string();
    let version = first.next().unwrap_or("HTTP/1.0");
    // HTTP/1.1 keeps the connection unless told otherwise; 1.0 closes unless asked.
    let mut close = version != "HTTP/1.1";
    for line in lines {
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("connection") {
                let value = value.trim();
                if value.eq_ignore_ascii_case("close") {
                    close = true;
                } else if value.eq_ignore_ascii_case("keep-alive") {
                    close = false;
                }
            }
        }
    }
    Request { method, path, close }
}

/// The file a request path names under `root`, refusing anything that leaves it.
fn resolve(root: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let mut out = root.to_path_buf();
    for component in Path::new(path.trim_start_matches('/')).components() {
        match component {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if path.ends_with('/') {
        out.push("index.html");
    }
    let real = out.canonicalize().ok()?;
    real.starts_with(root).then_some(real)
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") | Some("htm") => "text/html; charset=utf-8",
        Some("txt") => "text/plain; charset=utf-8",
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        Some("json") => "application/json",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

fn simple(code: u16, reason: &str, close: bool) -> Vec<u8> {
    let body = format!("{code} {reason}\n");
    format!(
        "HTTP/1.1 {code} {reason}\r\nContent-Length: {}\r\nContent-Type: text/plain\r\n{}\r\n{body}",
        body.len(),
        if close { "Connection: close\r\n" } else { "" }
    )
    .into_bytes()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
