#include "fileutil.h"
#include "strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *file_kind(mode_t mode)
{
	if (S_ISREG(mode))
		return "a file";
	if (S_ISDIR(mode))
		return "a folder";
	if (S_ISFIFO(mode))
		return "a pipe";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "a device";
	return "a socket";
}

int file_open_input(const char *path, unsigned long long max, struct stat *sb, struct err *e)
{
	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0) {
		if (errno == ENXIO) /* a socket */
			return err_set(e, EXIT_USAGE, "cannot read %s: not a regular file (a socket)",
				       path);
		return err_set(e, errno == ENOENT ? EXIT_USAGE : EXIT_SYSTEM,
			       "cannot open %s: %s", path, strerror(errno));
	}
	if (fstat(fd, sb) != 0) {
		err_set(e, EXIT_SYSTEM, "cannot read %s: %s", path, strerror(errno));
		goto fail;
	}
	if (S_ISDIR(sb->st_mode)) {
		err_set(e, EXIT_USAGE, "%s is a folder, not a file", path);
		goto fail;
	}
	if (!S_ISREG(sb->st_mode)) {
		err_set(e, EXIT_USAGE, "cannot read %s: not a regular file (%s)", path,
			file_kind(sb->st_mode));
		goto fail;
	}
	if (max && (unsigned long long)sb->st_size > max) {
		err_set(e, EXIT_DATA, "%s is larger than %llu bytes: refused", path, max);
		goto fail;
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) {
		err_set(e, EXIT_SYSTEM, "cannot read %s: %s", path, strerror(errno));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

int file_read_all(const char *path, size_t max, char **out, size_t *outlen, struct err *e)
{
	struct stat sb;
	struct strbuf buf = STRBUF_INIT;
	int fd = file_open_input(path, max, &sb, e);

	if (fd < 0)
		return -1;
	for (;;) {
		ssize_t n;

		if (buf.len + 1 >= buf.alloc) {
			if (buf.len > max) {
				err_set(e, EXIT_DATA, "%s is larger than %zu bytes: refused", path, max);
				goto fail;
			}
			if (strbuf_grow(&buf, 65536) < 0) {
				err_set(e, EXIT_SYSTEM, "out of memory reading %s", path);
				goto fail;
			}
		}
		n = read(fd, buf.buf + buf.len, buf.alloc - buf.len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err_set(e, EXIT_SYSTEM, "cannot read %s: %s", path, strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		strbuf_setlen(&buf, buf.len + (size_t)n);
	}
	if (buf.len > max) {
		err_set(e, EXIT_DATA, "%s is larger than %zu bytes: refused", path, max);
		goto fail;
	}
	if (file_is_gzip(buf.buf, buf.len)) {
		err_set(e, EXIT_DATA, "%s is gzip-compressed: decompress it first", path);
		goto fail;
	}
	close(fd);
	if (!(*out = strbuf_detach(&buf, outlen)))
		return err_set(e, EXIT_SYSTEM, "out of memory reading %s", path);
	return 0;
fail:
	strbuf_release(&buf);
	close(fd);
	return -1;
}

static void hex_digest(const unsigned char *d, char *hex)
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < SHA256_DIGEST_SIZE; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[SHA256_HEX_LEN] = '\0';
}

void sha256_hex(const void *buf, size_t len, char *hex)
{
	struct sha256_ctx ctx;
	unsigned char d[SHA256_DIGEST_SIZE];

	sha256_init(&ctx);
	sha256_update(&ctx, len, buf);
	sha256_digest(&ctx, sizeof d, d);
	hex_digest(d, hex);
}

int file_sha256(const char *path, char *hex, struct err *e)
{
	struct sha256_ctx ctx;
	unsigned char d[SHA256_DIGEST_SIZE];
	unsigned char buf[1 << 16];
	struct stat sb;
	int fd = file_open_input(path, 0, &sb, e);

	if (fd < 0)
		return -1;
	sha256_init(&ctx);
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			err_set(e, EXIT_SYSTEM, "cannot read %s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		sha256_update(&ctx, (size_t)n, buf);
	}
	close(fd);
	sha256_digest(&ctx, sizeof d, d);
	hex_digest(d, hex);
	return 0;
}

int file_is_gzip(const char *buf, size_t len)
{
	return len >= 2 && (unsigned char)buf[0] == 0x1f && (unsigned char)buf[1] == 0x8b;
}

const char *file_base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}
