package io.redwood.jdbc;

/** The driver's name and version, as Driver and DatabaseMetaData report them. */
final class DriverVersion {
    static final String NAME = "Redwood JDBC Driver";
    static final int MAJOR = 0;
    static final int MINOR = 1;
    static final String VERSION = MAJOR + "." + MINOR + ".0";
    /** What DatabaseMetaData reports of the server (Redshift's PostgreSQL version). */
    static final String PRODUCT_NAME = "Redwood";
    static final String PRODUCT_VERSION = "8.0.2";

    private DriverVersion() {}
}
