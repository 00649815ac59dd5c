/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Memory-ordering helpers for code that touches the shared io_uring rings
 * directly.
 *
 *   IO_URING_WRITE_ONCE(x, v)         relaxed atomic store of v into x
 *   IO_URING_READ_ONCE(x)             relaxed atomic load of x
 *   io_uring_smp_store_release(p, v)  store v to *p with release ordering
 *   io_uring_smp_load_acquire(p)      load *p with acquire ordering
 *   io_uring_smp_mb()                 full sequentially consistent fence
 *
 * C builds map these onto C11 <stdatomic.h>; C++ builds get function
 * templates over std::atomic (there the ONCE helpers take references).
 */
#ifndef LIBURING_BARRIER_H
#define LIBURING_BARRIER_H

#ifndef LIBURING_NOEXCEPT
# ifdef __cplusplus
#  define LIBURING_NOEXCEPT noexcept
# else
#  define LIBURING_NOEXCEPT
# endif
#endif

#ifdef __cplusplus

#include <atomic>

/* Helpers are 'static inline' before C++20 and plain 'inline' from C++20. */
#if __cplusplus >= 202002L
# define LIBURING_BARRIER_FN_ inline
#else
# define LIBURING_BARRIER_FN_ static inline
#endif

/*
 * The value parameters are written so that they do not take part in
 * template argument deduction: 'IO_URING_WRITE_ONCE(u32_var, 0)' deduces
 * T from the variable alone and converts the literal.
 */
template <typename T>
struct io_uring_barrier_same_type_ {
	typedef T type;
};

template <typename T>
LIBURING_BARRIER_FN_ void
IO_URING_WRITE_ONCE(T &dst, typename io_uring_barrier_same_type_<T>::type v)
	LIBURING_NOEXCEPT
{
	std::atomic<T> *slot = reinterpret_cast<std::atomic<T> *>(&dst);
	slot->store(v, std::memory_order_relaxed);
}

template <typename T>
LIBURING_BARRIER_FN_ T IO_URING_READ_ONCE(const T &src) LIBURING_NOEXCEPT
{
	const std::atomic<T> *slot =
		reinterpret_cast<const std::atomic<T> *>(&src);
	return slot->load(std::memory_order_relaxed);
}

template <typename T>
LIBURING_BARRIER_FN_ void
io_uring_smp_store_release(T *dst, typename io_uring_barrier_same_type_<T>::type v)
	LIBURING_NOEXCEPT
{
	std::atomic<T> *slot = reinterpret_cast<std::atomic<T> *>(dst);
	slot->store(v, std::memory_order_release);
}

template <typename T>
LIBURING_BARRIER_FN_ T io_uring_smp_load_acquire(const T *src) LIBURING_NOEXCEPT
{
	const std::atomic<T> *slot =
		reinterpret_cast<const std::atomic<T> *>(src);
	return slot->load(std::memory_order_acquire);
}

LIBURING_BARRIER_FN_ void io_uring_smp_mb(void) LIBURING_NOEXCEPT
{
	std::atomic_thread_fence(std::memory_order_seq_cst);
}

#undef LIBURING_BARRIER_FN_

#else /* !__cplusplus */

#include <stdatomic.h>

/* View an ordinary object through an _Atomic-qualified pointer. */
#define LIBURING_BARRIER_ATOMIC_PTR_(ptr) \
	((_Atomic __typeof__(*(ptr)) *)(ptr))

#define IO_URING_WRITE_ONCE(var, val) \
	atomic_store_explicit(LIBURING_BARRIER_ATOMIC_PTR_(&(var)), (val), \
			      memory_order_relaxed)

#define IO_URING_READ_ONCE(var) \
	atomic_load_explicit(LIBURING_BARRIER_ATOMIC_PTR_(&(var)), \
			     memory_order_relaxed)

#define io_uring_smp_store_release(p, v) \
	atomic_store_explicit(LIBURING_BARRIER_ATOMIC_PTR_(p), (v), \
			      memory_order_release)

#define io_uring_smp_load_acquire(p) \
	atomic_load_explicit(LIBURING_BARRIER_ATOMIC_PTR_(p), \
			     memory_order_acquire)

#define io_uring_smp_mb() \
	atomic_thread_fence(memory_order_seq_cst)

#endif /* __cplusplus */

#endif /* LIBURING_BARRIER_H */
