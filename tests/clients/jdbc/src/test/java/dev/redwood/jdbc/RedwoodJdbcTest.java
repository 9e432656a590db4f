package dev.redwood.jdbc;

/** Redwood's own JDBC driver (io.redwood:redwood-jdbc, jdbc-bridge) against `redwood serve`. */
class RedwoodJdbcTest extends DriverContract {

    @Override
    protected String url() {
        return "jdbc:redwood://" + Redwood.host() + ":" + Redwood.port() + "/" + Redwood.database() + "?sslmode=disable";
    }

    @Override
    protected String prefix() {
        return "rwj";
    }

    @Override
    protected String productName() {
        return "Redwood";
    }
}
