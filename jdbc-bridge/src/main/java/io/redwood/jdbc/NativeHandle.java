package io.redwood.jdbc;

import java.lang.ref.Cleaner;
import java.sql.SQLException;
import java.util.function.LongConsumer;

/**
 * Owns one native handle: frees it once, on {@link #close()} or when its owner is collected (a
 * Cleaner), and serializes every use of it with its freeing, so that a handle is never used after
 * it is freed nor freed while in use.
 */
final class NativeHandle {
    private static final Cleaner CLEANER = Cleaner.create();

    /** What the Cleaner runs: it must not reach the owner. */
    private static final class State implements Runnable {
        private long handle;
        private final LongConsumer free;

        State(long handle, LongConsumer free) {
            this.handle = handle;
            this.free = free;
        }

        @Override
        public synchronized void run() {
            long freed = handle;
            handle = 0;
            if (freed != 0) {
                free.accept(freed);
            }
        }
    }

    /** A native call on a live handle. */
    interface Call<T> {
        T apply(long handle) throws SQLException;
    }

    private final State state;
    private final Cleaner.Cleanable cleanable;
    private final String what;

    /**
     * Takes ownership of {@code handle}, freed by {@code free} on {@link #close()} or once this
     * object is unreachable (its owner holds it, so: once the owner is). {@code what} names it in errors.
     */
    NativeHandle(long handle, LongConsumer free, String what) {
        this.state = new State(handle, free);
        this.cleanable = CLEANER.register(this, state);
        this.what = what;
    }

    /** Runs {@code call} on the handle; waits for another thread's call on it to end first. */
    <T> T use(Call<T> call) throws SQLException {
        synchronized (state) {
            if (state.handle == 0) {
                throw Errors.closed(what);
            }
            return call.apply(state.handle);
        }
    }

    boolean isClosed() {
        synchronized (state) {
            return state.handle == 0;
        }
    }

    void close() {
        cleanable.clean();
    }
}
