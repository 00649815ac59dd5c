/*
 * <uring/ext.h> must be usable from C++ (extern "C", the static_asserts on
 * struct uring_ring_stats), and its functions link from C++ code.
 *
 * Build: g++ -std=c++17 -Wall -Wextra -Werror -I include c-tests/ext_header.cpp
 */
#include <uring/ext.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

int main()
{
	int failures = 0;
	const char *name = uring_opcode_name(IORING_OP_READ);
	char text[256];

	if (!name || std::strcmp(name, "READ") != 0) {
		std::fprintf(stderr, "uring_opcode_name(IORING_OP_READ) = %s\n", name ? name : "NULL");
		failures++;
	}
	if (uring_setup_flag_name(0) != nullptr) {
		std::fprintf(stderr, "uring_setup_flag_name(0) is not NULL\n");
		failures++;
	}
	if (uring_explain_setup_error(-EMFILE, text, sizeof(text)) <= 0 || !std::strstr(text, "EMFILE")) {
		std::fprintf(stderr, "uring_explain_setup_error(-EMFILE): \"%s\"\n", text);
		failures++;
	}
	if (uring_ring_stats(nullptr, nullptr, 0) != -EINVAL) {
		std::fprintf(stderr, "uring_ring_stats(NULL, ...) is not -EINVAL\n");
		failures++;
	}
	static_assert(sizeof(struct uring_ring_stats) == 12 * sizeof(unsigned), "12 unsigned fields");
	return failures ? 1 : 0;
}
