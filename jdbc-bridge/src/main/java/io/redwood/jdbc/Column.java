package io.redwood.jdbc;

/** A result column: its name and type (precision: digits, or the length of CHAR/VARCHAR; -1 when none). */
final class Column {
    final String name;
    final ColumnKind kind;
    final int precision;
    final int scale;

    private Column(String name, ColumnKind kind, int precision, int scale) {
        this.name = name;
        this.kind = kind;
        this.precision = precision;
        this.scale = scale;
    }

    /** Decodes {@code Object[]{String[] names, int[] kinds, int[] precisions, int[] scales}} (null: no columns). */
    static Column[] fromNative(Object[] description) {
        if (description == null) {
            return null;
        }
        Object[] names = (Object[]) description[0];
        int[] kinds = (int[]) description[1];
        int[] precisions = (int[]) description[2];
        int[] scales = (int[]) description[3];
        Column[] columns = new Column[names.length];
        for (int i = 0; i < columns.length; i++) {
            columns[i] = new Column((String) names[i], ColumnKind.fromCode(kinds[i]), precisions[i], scales[i]);
        }
        return columns;
    }
}
