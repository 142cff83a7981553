//! A Criterion measurement of the benchmark thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`), selected with
//! `LANES_BENCH_CLOCK=cpu`. It leaves out the time the thread spends descheduled, which dominates the noise
//! when other jobs share a small machine; it still counts everything the kernel itself does (including cache
//! and memory stalls). Values are nanoseconds, stored in Criterion's usual files.

use std::time::Duration;

use criterion::measurement::{Measurement, ValueFormatter, WallTime};

/// This thread's consumed CPU time.
pub(crate) struct ThreadCpuTime;

pub(crate) fn thread_cpu_now() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable `timespec`; CLOCK_THREAD_CPUTIME_ID exists on every Linux since 2.6.12.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &raw mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

impl Measurement for ThreadCpuTime {
    type Intermediate = Duration;
    type Value = Duration;

    fn start(&self) -> Duration {
        thread_cpu_now()
    }
    fn end(&self, start: Duration) -> Duration {
        thread_cpu_now().saturating_sub(start)
    }
    fn add(&self, v1: &Duration, v2: &Duration) -> Duration {
        *v1 + *v2
    }
    fn zero(&self) -> Duration {
        Duration::ZERO
    }
    fn to_f64(&self, value: &Duration) -> f64 {
        value.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        static WALL: WallTime = WallTime;
        WALL.formatter()
    }
}
