package io.redwood.jdbc;

import java.sql.SQLException;
import java.sql.Savepoint;

/** A savepoint: named by the application, or numbered (its SQL name is then the driver's). */
final class RedwoodSavepoint implements Savepoint {
    private final int id;
    private final String name;

    RedwoodSavepoint(int id, String name) {
        this.id = id;
        this.name = name;
    }

    /** The identifier SAVEPOINT, ROLLBACK TO and RELEASE use, quoted. */
    String sqlName() {
        String raw = name != null ? name : "jdbc_savepoint_" + id;
        return "\"" + raw.replace("\"", "\"\"") + "\"";
    }

    @Override
    public int getSavepointId() throws SQLException {
        if (name != null) {
            throw Errors.of(Errors.OBJECT_NOT_IN_STATE, "Cannot retrieve the id of a named savepoint.");
        }
        return id;
    }

    @Override
    public String getSavepointName() throws SQLException {
        if (name == null) {
            throw Errors.of(Errors.OBJECT_NOT_IN_STATE, "Cannot retrieve the name of an unnamed savepoint.");
        }
        return name;
    }
}
