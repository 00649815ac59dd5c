/*
 * Extensions: uring_opcode_name, uring_setup_flag_name, uring_feature_name,
 * uring_register_op_name (include/uring/ext.h).
 *
 * Every opcode the kernel's probe reports has a name, the names match the kernel's
 * spelling (IORING_OP_X -> "X"), and values beyond what the library knows give NULL.
 */
#include "test.h"

#include <uring/ext.h>

#define NAME_IS(call, want) do {					\
	const char *t_n_ = (call);					\
	if (!t_n_ || strcmp(t_n_, (want)) != 0) {			\
		t_report(__FILE__, __LINE__, "%s: expected \"%s\", got %s%s%s", \
			 #call, (want), t_n_ ? "\"" : "", t_n_ ? t_n_ : "NULL", t_n_ ? "\"" : ""); \
		t_failures++;						\
	}								\
} while (0)

int main(void)
{
	struct io_uring ring;
	struct io_uring_probe *probe;
	unsigned op, bit, named = 0, supported = 0;

	t_init(4, &ring, 0);
	probe = io_uring_get_probe_ring(&ring);
	CHECK(probe != NULL);

	for (op = 0; op <= probe->last_op; op++) {
		if (!io_uring_opcode_supported(probe, op))
			continue;
		supported++;
		if (uring_opcode_name(op)) {
			named++;
			/* Names are the kernel's: upper case, digits and '_'. */
			for (const char *c = uring_opcode_name(op); *c; c++)
				EXPECT((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_');
		} else {
			t_report(__FILE__, __LINE__, "opcode %u is supported by the kernel but has no name", op);
			t_failures++;
		}
	}
	EXPECT(supported > 40);
	EXPECT_EQ(named, supported);

	NAME_IS(uring_opcode_name(IORING_OP_NOP), "NOP");
	NAME_IS(uring_opcode_name(IORING_OP_READ), "READ");
	NAME_IS(uring_opcode_name(IORING_OP_WRITEV), "WRITEV");
	NAME_IS(uring_opcode_name(IORING_OP_SEND_ZC), "SEND_ZC");
	NAME_IS(uring_opcode_name(IORING_OP_ASYNC_CANCEL), "ASYNC_CANCEL");
	NAME_IS(uring_opcode_name(IORING_OP_URING_CMD128), "URING_CMD128");
	EXPECT(uring_opcode_name(IORING_OP_LAST) == NULL);
	EXPECT(uring_opcode_name(255) == NULL);
	EXPECT(uring_opcode_name(256) == NULL);
	EXPECT(uring_opcode_name(~0u) == NULL);

	NAME_IS(uring_setup_flag_name(IORING_SETUP_SQPOLL), "SQPOLL");
	NAME_IS(uring_setup_flag_name(IORING_SETUP_DEFER_TASKRUN), "DEFER_TASKRUN");
	NAME_IS(uring_setup_flag_name(IORING_SETUP_SQ_REWIND), "SQ_REWIND");
	EXPECT(uring_setup_flag_name(0) == NULL);
	EXPECT(uring_setup_flag_name(IORING_SETUP_SQPOLL | IORING_SETUP_IOPOLL) == NULL);
	EXPECT(uring_setup_flag_name(1u << 31) == NULL);
	/* Every bit from IOPOLL (bit 0) to SQ_REWIND (bit 20) is named. */
	for (bit = 0; bit <= 20; bit++)
		EXPECT(uring_setup_flag_name(1u << bit) != NULL);

	/* Every feature this kernel reports is named. */
	for (bit = 0; bit < 32; bit++) {
		if (ring.features & (1u << bit) && !uring_feature_name(1u << bit)) {
			t_report(__FILE__, __LINE__, "feature bit %u reported by the kernel has no name", bit);
			t_failures++;
		}
	}
	NAME_IS(uring_feature_name(IORING_FEAT_NODROP), "NODROP");
	NAME_IS(uring_feature_name(IORING_FEAT_EXT_ARG), "EXT_ARG");
	EXPECT(uring_feature_name(1u << 31) == NULL);

	NAME_IS(uring_register_op_name(IORING_REGISTER_BUFFERS), "REGISTER_BUFFERS");
	NAME_IS(uring_register_op_name(IORING_UNREGISTER_FILES), "UNREGISTER_FILES");
	NAME_IS(uring_register_op_name(IORING_REGISTER_PBUF_RING), "REGISTER_PBUF_RING");
	EXPECT(uring_register_op_name(IORING_REGISTER_LAST) == NULL);
	EXPECT(uring_register_op_name(IORING_REGISTER_FILES | IORING_REGISTER_USE_REGISTERED_RING) == NULL);

	/* The strings are static: the same pointer every time. */
	EXPECT(uring_opcode_name(IORING_OP_READ) == uring_opcode_name(IORING_OP_READ));

	io_uring_free_probe(probe);
	io_uring_queue_exit(&ring);
	return t_done();
}
