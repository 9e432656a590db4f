package io.redwood.jdbc;

import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;

/** SQLExceptions of the JDBC 4 subclass their SQLSTATE's class calls for, and the driver's own errors. */
final class Errors {
    /** SQLSTATEs of errors the driver itself raises (PostgreSQL's and pgJDBC's codes). */
    static final String CONNECTION_FAILURE = "08001";
    static final String CONNECTION_DOES_NOT_EXIST = "08003";
    static final String OBJECT_NOT_IN_STATE = "55000";
    static final String INVALID_PARAMETER_VALUE = "22023";
    static final String INVALID_PARAMETER_TYPE = "07006";
    static final String NUMERIC_VALUE_OUT_OF_RANGE = "22003";
    static final String INVALID_CHARACTER_VALUE_FOR_CAST = "22018";
    static final String INVALID_CURSOR_STATE = "24000";
    static final String UNDEFINED_COLUMN = "42703";
    static final String NO_DATA = "02000";
    static final String TOO_MANY_RESULTS = "0100E";
    static final String NO_ACTIVE_TRANSACTION = "25000";
    static final String QUERY_CANCELED = "57014";
    static final String FEATURE_NOT_SUPPORTED = "0A000";

    private Errors() {}

    /** Called by the native library for each error it raises. */
    static SQLException fromNative(String state, String message) {
        return of(state, message);
    }

    static SQLException of(String state, String message) {
        String category = state == null || state.length() < 2 ? "" : state.substring(0, 2);
        switch (category) {
            case "08":
                return state.equals("08006") || state.equals("08P01")
                        ? new SQLTransientConnectionException(message, state)
                        : new SQLNonTransientConnectionException(message, state);
            case "0A":
                return new SQLFeatureNotSupportedException(message, state);
            case "22":
                return new SQLDataException(message, state);
            case "23":
                return new SQLIntegrityConstraintViolationException(message, state);
            case "28":
                return new SQLInvalidAuthorizationSpecException(message, state);
            case "40":
                return new SQLTransactionRollbackException(message, state);
            case "42":
                return new SQLSyntaxErrorException(message, state);
            default:
                return new SQLException(message, state);
        }
    }

    static SQLException closed(String what) {
        return what.equals("connection")
                ? new SQLNonTransientConnectionException("This connection has been closed.", CONNECTION_DOES_NOT_EXIST)
                : new SQLException("This " + what + " has been closed.", OBJECT_NOT_IN_STATE);
    }

    static SQLFeatureNotSupportedException notSupported(String what) {
        return new SQLFeatureNotSupportedException(what + " is not supported by Redwood's JDBC driver.", FEATURE_NOT_SUPPORTED);
    }
}
