package dev.redwood.jdbc;

/** Where the `redwood serve` under test is: system properties (redwood.host, ...) or environment (REDWOOD_HOST, ...). */
final class Redwood {
    private Redwood() {}

    static String host() {
        return setting("redwood.host", "REDWOOD_HOST", "127.0.0.1");
    }

    static int port() {
        return Integer.parseInt(setting("redwood.port", "REDWOOD_PORT", "5439"));
    }

    static String user() {
        return setting("redwood.user", "REDWOOD_USER", "admin");
    }

    static String password() {
        String password = setting("redwood.password", "REDWOOD_PASSWORD", null);
        if (password == null) {
            throw new IllegalStateException("set -Dredwood.password or REDWOOD_PASSWORD");
        }
        return password;
    }

    static String database() {
        return "dev";
    }

    private static String setting(String property, String env, String fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isEmpty()) {
            value = System.getenv(env);
        }
        return value == null || value.isEmpty() ? fallback : value;
    }
}
