//! Waiting for async work from synchronous code: the node client's storage calls and the client
//! API (which C, Python and Java callers use from threads of their own).

use std::future::Future;
use std::sync::LazyLock;
use tokio::runtime::Runtime;

/// The runtime client connections run their queries on (one worker per core, as DataFusion
/// expects).
pub static CLIENT: LazyLock<Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .thread_name("redwood-client")
        .enable_all()
        .build()
        .expect("client runtime")
});

/// Runs `future` on `runtime` and waits for it from any thread, inside or outside a runtime. The
/// wait is a plain channel receive: polling a tokio JoinHandle from another executor on a runtime
/// thread spins (tokio defers its wake-ups to a runtime that is not running while the thread waits).
pub fn wait_on<T: Send + 'static>(runtime: &Runtime, future: impl Future<Output = T> + Send + 'static) -> T {
    let (sender, receiver) = std::sync::mpsc::sync_channel(1);
    runtime.spawn(async move {
        let _ = sender.send(future.await);
    });
    receiver.recv().expect("a waited-for task does not panic")
}
