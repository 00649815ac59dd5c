/*
 * Makes the data file for the read scenario: `mkdata <path> <MiB>` writes <MiB> MiB of
 * the pattern of common.h (the word at byte offset o is pattern_word(o)) to <path>.tmp,
 * fsyncs it and renames it to <path>, so a half-written file never has the final name.
 */
#include "common.h"
#include <fcntl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3)
		fail("usage: mkdata <path> <MiB>");
	unsigned long mib = arg_ulong(argv[2]);
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		fail("open %s: %s", tmp, strerror(errno));
	size_t chunk = 1 << 20;
	char *buf = malloc(chunk);
	if (!buf)
		fail("malloc");
	for (unsigned long i = 0; i < mib; i++) {
		uint64_t off = (uint64_t)i * chunk;
		pattern_fill(buf, off, chunk);
		size_t done = 0;
		while (done < chunk) {
			ssize_t w = pwrite(fd, buf + done, chunk - done, (off_t)(off + done));
			if (w <= 0)
				fail("write %s: %s", tmp, strerror(errno));
			done += (size_t)w;
		}
	}
	if (fsync(fd) < 0 || close(fd) < 0)
		fail("fsync/close %s: %s", tmp, strerror(errno));
	if (rename(tmp, argv[1]) < 0)
		fail("rename %s: %s", tmp, strerror(errno));
	return 0;
}
