package io.redwood.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The JNI library (jdbc-bridge/src/lib.rs): Redwood's client API, embedded or remote. Handles are
 * {@code long}s that the caller frees exactly once and never uses concurrently with their freeing
 * ({@link NativeHandle} sees to both); strings go in as UTF-8 bytes. Failures throw the
 * SQLException {@link Errors#fromNative} makes.
 *
 * <p>The library is loaded from {@code -Dredwood.library.path} if set, else from the jar's
 * {@code native/linux-x86_64/libredwood_jdbc.so}, copied to a temporary file first (a library
 * cannot be loaded from inside a jar).
 */
final class Native {
    static final String LIBRARY_PATH_PROPERTY = "redwood.library.path";
    private static final String RESOURCE = "/native/linux-x86_64/libredwood_jdbc.so";

    static {
        String path = System.getProperty(LIBRARY_PATH_PROPERTY);
        System.load(path != null && !path.isEmpty() ? path : extractLibrary().toString());
    }

    private Native() {}

    /** A string as the native library takes it. */
    static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static Path extractLibrary() {
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new UnsatisfiedLinkError("Redwood's JDBC jar carries its native library for linux-x86_64 only, not "
                    + os + "-" + arch + ": build it for this platform and give its path in -D" + LIBRARY_PATH_PROPERTY);
        }
        try (InputStream in = Native.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new UnsatisfiedLinkError("the jar lacks " + RESOURCE + ": build it with mvn (which runs build-native.sh) or set -D"
                        + LIBRARY_PATH_PROPERTY);
            }
            Path file = Files.createTempFile("libredwood_jdbc", ".so");
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            UnsatisfiedLinkError error = new UnsatisfiedLinkError("cannot extract Redwood's native library: " + e.getMessage());
            error.initCause(e);
            throw error;
        }
    }

    /** Opens {@code :memory:}, a directory or a {@code redwood://host:port/database?sslmode=…} URL. */
    static native long open(byte[] target, byte[] user, byte[] password) throws java.sql.SQLException;

    static native void closeConnection(long connection);

    static native boolean isRemote(long connection) throws java.sql.SQLException;

    static native long cancelHandle(long connection) throws java.sql.SQLException;

    /** Cancels the connection's running statement; from any thread. */
    static native void cancel(long cancelHandle) throws java.sql.SQLException;

    static native void freeCancelHandle(long cancelHandle);

    /** Runs SQL (one statement or several); returns a result handle. */
    static native long execute(long connection, byte[] sql) throws java.sql.SQLException;

    /** How many {@code ?} markers the SQL has (outside literals, quoted names and comments). */
    static native int countMarkers(byte[] sql) throws java.sql.SQLException;

    /** Prepares SQL with {@code ?} markers, declaring the parameter kinds given ({@link Parameters}). */
    static native long prepare(long connection, byte[] sql, int[] kinds) throws java.sql.SQLException;

    static native int parameterCount(long statement) throws java.sql.SQLException;

    /** The statement's result columns ({@link Column#fromNative}), or null when it returns no rows. */
    static native Object[] statementColumns(long statement) throws java.sql.SQLException;

    static native void freeStatement(long statement);

    /** Runs a prepared statement with the values {@link Parameters} encodes; returns a result handle. */
    static native long executePrepared(long connection, long statement, int[] kinds, long[] numbers, Object[] texts)
            throws java.sql.SQLException;

    /** The result's columns, or null when it is a command's. */
    static native Object[] resultColumns(long result) throws java.sql.SQLException;

    /** A command's tag (INSERT 0 5), or null for rows. */
    static native String commandTag(long result) throws java.sql.SQLException;

    /** Rows a command affected, or -1. */
    static native long affectedRows(long result) throws java.sql.SQLException;

    /** The next rows (at most maxRows) as {@link Batch} decodes them, or null after the last. */
    static native Object[] nextBatch(long result, int maxRows) throws java.sql.SQLException;

    /**
     * Runs {@code DatabaseMetaData} method {@code call} (or {@code empty}) with its arguments (UTF-8 bytes,
     * or null), as the client API's metadata contract answers it; returns a result handle.
     */
    static native long metadata(long connection, byte[] call, Object[] arguments) throws java.sql.SQLException;

    static native void freeResult(long result);

    /** Native objects alive (for tests of leaks). */
    static native long liveObjects();
}
