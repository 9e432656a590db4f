package io.redwood.jdbc;

import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** Statement.setQueryTimeout: cancels the connection's statement when the time is up. */
final class QueryTimer implements AutoCloseable {
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "redwood-jdbc-query-timeout");
            thread.setDaemon(true);
            return thread;
        });
        // A statement's timer, cancelled when it ends, must not keep its connection reachable.
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    private final int seconds;
    private final ScheduledFuture<?> cancel;
    private volatile boolean fired;

    private QueryTimer(int seconds, RedwoodConnection connection) {
        this.seconds = seconds;
        this.cancel = seconds <= 0 ? null : TIMER.schedule(() -> {
            fired = true;
            connection.cancelRunning();
        }, seconds, TimeUnit.SECONDS);
    }

    /** A timer of {@code seconds} (0: none) for a statement of {@code connection}. */
    static QueryTimer start(int seconds, RedwoodConnection connection) {
        return new QueryTimer(seconds, connection);
    }

    /** The error a statement raised, as a SQLTimeoutException if this timer cancelled it. */
    SQLException translate(SQLException e) {
        if (fired && Errors.QUERY_CANCELED.equals(e.getSQLState())) {
            return new SQLTimeoutException("The query timed out after " + seconds + " seconds.", e.getSQLState(), e);
        }
        return e;
    }

    @Override
    public void close() {
        if (cancel != null) {
            cancel.cancel(false);
        }
    }
}
