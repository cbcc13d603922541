//! Runs a future to completion on the current thread. The native transport and sleeper finish
//! their work inside `poll`, so this rarely parks; it still parks and wakes correctly for any
//! other future, which is all the client needs without pulling in an async runtime.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

pub fn block_on<F: Future>(future: F) -> F::Output {
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(output) => return output,
            // A spurious unpark only costs one more poll.
            Poll::Pending => thread::park(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// A future completed by another thread: block_on must park, be woken, and finish.
    #[test]
    fn waits_for_a_wake_from_another_thread() {
        use std::sync::Mutex;
        struct Shared {
            done: bool,
            waker: Option<Waker>,
        }
        let shared = Arc::new(Mutex::new(Shared {
            done: false,
            waker: None,
        }));
        let remote = Arc::clone(&shared);
        thread::spawn(move || {
            thread::sleep(Duration::from_millis(20));
            let mut s = remote.lock().unwrap();
            s.done = true;
            if let Some(w) = s.waker.take() {
                w.wake();
            }
        });
        let value = block_on(std::future::poll_fn(|cx| {
            let mut s = shared.lock().unwrap();
            if s.done {
                Poll::Ready(42)
            } else {
                s.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }));
        assert_eq!(value, 42);
    }
}
