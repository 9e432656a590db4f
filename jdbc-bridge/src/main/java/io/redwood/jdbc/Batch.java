package io.redwood.jdbc;

import java.nio.charset.StandardCharsets;

/**
 * Rows of a result as the native library sends them ({@code Native.nextBatch}): per column, a
 * primitive array of values (or UTF-8 bytes with offsets) and a null mask. Reading a value makes no
 * JNI call.
 */
final class Batch {
    final int rows;
    private final Object[] values;
    private final boolean[][] nulls;

    Batch(Object[] arrays) {
        this.rows = ((int[]) arrays[0])[0];
        int columns = (arrays.length - 1) / 2;
        this.values = new Object[columns];
        this.nulls = new boolean[columns][];
        for (int c = 0; c < columns; c++) {
            values[c] = arrays[1 + 2 * c];
            nulls[c] = (boolean[]) arrays[2 + 2 * c];
        }
    }

    boolean isNull(int column, int row) {
        boolean[] mask = nulls[column];
        return mask != null && mask[row];
    }

    /** The column's array: boolean[], int[], long[], float[], double[], or Object[]{byte[], int[]} for bytes. */
    Object values(int column) {
        return values[column];
    }

    boolean isBytes(int column) {
        return values[column] instanceof Object[];
    }

    byte[] bytes(int column, int row) {
        Object[] pair = (Object[]) values[column];
        int[] offsets = (int[]) pair[1];
        return java.util.Arrays.copyOfRange((byte[]) pair[0], offsets[row], offsets[row + 1]);
    }

    String text(int column, int row) {
        Object[] pair = (Object[]) values[column];
        int[] offsets = (int[]) pair[1];
        return new String((byte[]) pair[0], offsets[row], offsets[row + 1] - offsets[row], StandardCharsets.UTF_8);
    }
}
