package io.redwood.jdbc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A {@code redwood serve} of the tests' own on a free loopback port, started once per JVM (on first use) and
 * stopped by a shutdown hook. The binary is {@code REDWOOD_BIN}, else {@code target/<debug|release>/redwood} of the
 * workspace (under {@code CARGO_TARGET_DIR} if set), the profile from the system property
 * {@code redwood.cargo.profile} (dev or release), as the pom passes it.
 */
final class RedwoodServer {
    static final String ADMIN_USER = "admin";
    static final String ADMIN_PASSWORD = "Redwood-test-1";
    private static final Pattern LISTENING = Pattern.compile("listening on ([0-9.]+):(\\d+)");
    private static final long START_SECONDS = 120;

    private static RedwoodServer instance;

    private final Process process;
    private final Path dir;
    private final String host;
    private final int port;
    /** The last lines the server printed on stdout (it is drained all along so that it never blocks). */
    private final Deque<String> output = new ArrayDeque<>();

    /** The server, started on first use. */
    static synchronized RedwoodServer get() {
        if (instance == null) {
            instance = start();
            RedwoodServer started = instance;
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "redwood-serve-stop"));
        }
        return instance;
    }

    private RedwoodServer(Process process, Path dir, String host, int port) {
        this.process = process;
        this.dir = dir;
        this.host = host;
        this.port = port;
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    String user() {
        return ADMIN_USER;
    }

    String password() {
        return ADMIN_PASSWORD;
    }

    /** The server's data directory (its generated TLS certificate is {@code server.crt} there). */
    Path dataDir() {
        return dir.resolve("db");
    }

    /** {@code jdbc:redwood://127.0.0.1:PORT/dev?sslmode=disable} */
    String url() {
        return "jdbc:redwood://" + host + ":" + port + "/dev?sslmode=disable";
    }

    /** The server's log (stderr) so far, for failure messages. */
    String log() {
        try {
            return new String(Files.readAllBytes(dir.resolve("serve.log")), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    static Path binary() {
        String env = System.getenv("REDWOOD_BIN");
        if (env != null && !env.isEmpty()) {
            return Paths.get(env).toAbsolutePath();
        }
        Path module = Paths.get(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        Path workspace = module.getParent();
        String targetDir = System.getenv("CARGO_TARGET_DIR");
        Path target = targetDir != null && !targetDir.isEmpty() ? workspace.resolve(targetDir) : workspace.resolve("target");
        String profile = System.getProperty("redwood.cargo.profile", "release");
        String dirName;
        switch (profile) {
            case "dev":
            case "debug":
                dirName = "debug";
                break;
            case "release":
                dirName = "release";
                break;
            default:
                throw new IllegalStateException("redwood.cargo.profile must be dev or release, not " + profile);
        }
        return target.resolve(dirName).resolve("redwood");
    }

    private static RedwoodServer start() {
        Path binary = binary();
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("redwood binary not found at " + binary
                    + ": build it (cargo build -p redwood-cli) or set REDWOOD_BIN");
        }
        Path dir;
        Process process;
        try {
            dir = Files.createTempDirectory("redwood-jdbc-serve");
            List<String> command = new ArrayList<>(List.of(binary.toString(), "serve", "--data", dir.resolve("db").toString(),
                    "--port", "0", "--admin-user", ADMIN_USER, "--admin-password", ADMIN_PASSWORD));
            // stderr to a file: the surefire JVM's own stdout/stderr carry its protocol, a child must not write there.
            process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("serve.log").toFile()))
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + binary + ": " + e, e);
        }
        BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> firstLine = CompletableFuture.supplyAsync(() -> {
            try {
                return stdout.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        String line;
        try {
            line = firstLine.get(START_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            line = null;
        }
        Matcher m = line == null ? null : LISTENING.matcher(line);
        if (m == null || !m.find()) {
            process.destroyForcibly();
            String log;
            try {
                log = new String(Files.readAllBytes(dir.resolve("serve.log")), StandardCharsets.UTF_8);
            } catch (IOException e) {
                log = "";
            }
            deleteTree(dir);
            throw new IllegalStateException("redwood serve did not start: first line " + line + "\n" + log);
        }
        RedwoodServer server = new RedwoodServer(process, dir, m.group(1), Integer.parseInt(m.group(2)));
        server.remember(line);
        Thread drain = new Thread(() -> {
            try {
                String next;
                while ((next = stdout.readLine()) != null) {
                    server.remember(next);
                }
            } catch (IOException e) {
                // The process ended.
            }
        }, "redwood-serve-stdout");
        drain.setDaemon(true);
        drain.start();
        return server;
    }

    private void remember(String line) {
        synchronized (output) {
            output.addLast(line);
            while (output.size() > 200) {
                output.removeFirst();
            }
        }
    }

    /** The last lines of the server's stdout. */
    List<String> stdout() {
        synchronized (output) {
            return new ArrayList<>(output);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    private void stop() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteTree(dir);
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // Best effort: a temporary directory.
                }
            });
        } catch (IOException e) {
            // Best effort.
        }
    }
}
