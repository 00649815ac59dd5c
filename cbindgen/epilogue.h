/*
 * ---- hand-written epilogue (cbindgen/epilogue.h) ----
 * Appended by cbindgen after every generated declaration.  cbindgen emits
 * this trailer after the closing #endif of the LIB_URING_H guard, so the
 * block carries its own guard.
 */
#ifndef LIBURING_H_EPILOGUE_
#define LIBURING_H_EPILOGUE_

/*
 * user_data of the timeout SQE the library queues internally on kernels
 * without IORING_FEAT_EXT_ARG.  Applications must not use this value there.
 */
#define LIBURING_UDATA_TIMEOUT	((__u64) -1)

/* io_uring_sqe_set_data64() / io_uring_cqe_get_data64() are available. */
#define LIBURING_HAVE_DATA64

/*
 * Compile-time version test.  Evaluates to 1 when the requested version is
 * NEWER than these headers (i.e. the headers are too old), otherwise 0:
 *
 *	#if IO_URING_CHECK_VERSION(2, 16)
 *	... fall back, 2.16 API not available ...
 *	#endif
 */
#define IO_URING_CHECK_VERSION(major, minor)				\
	((major) > IO_URING_VERSION_MAJOR ||				\
	 ((major) == IO_URING_VERSION_MAJOR &&				\
	  (minor) > IO_URING_VERSION_MINOR))

/*
 * io_uring_for_each_cqe(ring, head, cqe) { ... }
 *
 * Visit every CQE that is ready right now, without consuming any.  The
 * kernel tail is read once, with acquire ordering, when the loop starts.
 * Before each iteration 'head' receives the ring index of the entry and
 * 'cqe' points at it.  On a CQE32 ring every index covers two 16-byte
 * slots; on a CQE_MIXED ring an entry flagged IORING_CQE_F_32 occupies two
 * consecutive indices.  When done, call io_uring_cq_advance() with the
 * number of indices consumed.  IORING_CQE_F_32 counts only on CQE_MIXED
 * rings: a MSG_RING sender may set it on a CQE it posts to any ring, where
 * that CQE still takes one index.
 *
 * 'ring' is evaluated several times; 'head' must be an unsigned lvalue and
 * 'cqe' a 'struct io_uring_cqe *' lvalue.
 */
#define io_uring_for_each_cqe(ring, head, cqe)				\
	for (struct io_uring_cqe_iter __ITER__ = {			\
		(ring)->cq.cqes,					\
		(ring)->cq.ring_mask,					\
		((ring)->flags & IORING_SETUP_CQE32) ? 1U : 0U,		\
		*(ring)->cq.khead,					\
		io_uring_smp_load_acquire((ring)->cq.ktail),		\
	     };								\
	     ((head) = __ITER__.head) != __ITER__.tail &&		\
	     ((cqe) = &__ITER__.cqes[(__ITER__.head & __ITER__.mask)	\
				     << __ITER__.shift],		\
	      __ITER__.head += (((ring)->flags & IORING_SETUP_CQE_MIXED) &&	\
				((cqe)->flags & IORING_CQE_F_32)) ? 2U : 1U,	\
	      1);							\
	     (void) (head))


/*
 * liburing's four local helpers (_LOCAL_INLINE there): static, never exported,
 * here only so that code written against liburing's header compiles.
 */

/* A pointer as the integer io_uring structures store. */
static inline __u64 uring_ptr_to_u64(const void *ptr) LIBURING_NOEXCEPT
{
	return (__u64)(unsigned long)ptr;
}

/*
 * Make 'sqe' install its file into direct-descriptor slot 'file_index'.  The
 * kernel reads 0 as "no slot", so slot n travels as n + 1 (unsigned, wrapping).
 */
static inline void __io_uring_set_target_fixed_file(struct io_uring_sqe *sqe,
						    unsigned int file_index)
	LIBURING_NOEXCEPT
{
	sqe->file_index = file_index + 1;
}

/*
 * 'poll_mask' as the SQE's poll32_events field holds it.  The kernel reads that
 * word as two 16-bit halves in little-endian order, so a big-endian CPU stores
 * the halves swapped.
 */
static inline unsigned int __io_uring_prep_poll_mask(unsigned int poll_mask)
	LIBURING_NOEXCEPT
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	poll_mask = (poll_mask << 16) | (poll_mask >> 16);
#endif
	return poll_mask;
}

/*
 * Is 'cqe', the CQE at the head of the ring, one the application never sees?
 * Those are IORING_CQE_F_SKIP fillers and, on kernels without
 * IORING_FEAT_EXT_ARG, the library's own timeout CQEs (user_data
 * LIBURING_UDATA_TIMEOUT).  Such a CQE is consumed here; a timeout CQE with a
 * negative result stores it in *err.  Returns true when the caller should look
 * at the next CQE: the CQE was consumed and *err is (still) 0.
 */
static inline bool io_uring_skip_cqe(struct io_uring *ring,
				     struct io_uring_cqe *cqe, int *err)
{
	if (!(cqe->flags & IORING_CQE_F_SKIP)) {
		if ((ring->features & IORING_FEAT_EXT_ARG) ||
		    cqe->user_data != LIBURING_UDATA_TIMEOUT)
			return false;
		if (cqe->res < 0)
			*err = cqe->res;
	}
	io_uring_cq_advance(ring, io_uring_cqe_nr(cqe));
	return !*err;
}
#endif /* LIBURING_H_EPILOGUE_ */
/* ---- end of epilogue ---- */
