/* The C API against one target (argv[1]: ":memory:", a directory or a redwood:// URL): DDL,
 * inserts with bound parameters of every type, a query read value by value and through the
 * Arrow C stream, NULLs, errors with their SQLSTATE, bad input, and cancel from another thread.
 * Prints "ok" and exits 0 when every check holds. */
#include "redwood.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures = 0;

#define CHECK(cond, ...)                                              \
  do {                                                                \
    if (!(cond)) {                                                    \
      fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                                   \
      fprintf(stderr, "\n");                                          \
      failures++;                                                     \
    }                                                                 \
  } while (0)

#define OK(call, handle_error) CHECK((call) == REDWOOD_STATUS_OK, "%s", handle_error)

static void exec(redwood_connection *db, const char *sql) {
  OK(redwood_execute(db, sql, NULL), redwood_connection_error_message(db));
}

static void *cancel_later(void *handle) {
  usleep(300 * 1000);
  redwood_cancel((const redwood_cancel_handle *)handle);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s TARGET\n", argv[0]);
    return 2;
  }
  redwood_connection *db = NULL;
  if (redwood_open(argv[1], NULL, NULL, &db) != REDWOOD_STATUS_OK) {
    fprintf(stderr, "open failed: %s %s\n", redwood_last_error_sqlstate(), redwood_last_error_message());
    return 1;
  }

  exec(db, "DROP TABLE IF EXISTS c_types");
  exec(db, "CREATE TABLE c_types (id INT, name VARCHAR(20), amount DECIMAL(10,2), ratio DOUBLE PRECISION, "
           "flag BOOLEAN, day DATE, at TIMESTAMP, big BIGINT) DISTKEY(id)");

  /* Inserts with every kind of parameter, then one of NULLs. */
  redwood_statement *insert = NULL;
  OK(redwood_prepare(db, "INSERT INTO c_types VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", &insert),
     redwood_connection_error_message(db));
  size_t params = 0;
  OK(redwood_statement_param_count(insert, &params), "param count");
  CHECK(params == 8, "%zu parameters", params);
  OK(redwood_bind_int64(insert, 1, 1), redwood_statement_error_message(insert));
  OK(redwood_bind_text(insert, 2, "caf\xc3\xa9 it's"), redwood_statement_error_message(insert));
  OK(redwood_bind_decimal(insert, 3, "-12.34"), redwood_statement_error_message(insert));
  OK(redwood_bind_double(insert, 4, 0.25), redwood_statement_error_message(insert));
  OK(redwood_bind_bool(insert, 5, true), redwood_statement_error_message(insert));
  OK(redwood_bind_date(insert, 6, 19782), redwood_statement_error_message(insert)); /* 2024-02-29 */
  OK(redwood_bind_timestamp(insert, 7, 1709210096500000LL), redwood_statement_error_message(insert));
  OK(redwood_bind_int64(insert, 8, 9000000000LL), redwood_statement_error_message(insert));
  redwood_result *done = NULL;
  OK(redwood_execute_prepared(db, insert, &done), redwood_connection_error_message(db));
  const char *tag = NULL;
  int64_t affected = 0;
  OK(redwood_result_command(done, &tag, &affected), "command");
  CHECK(strcmp(tag, "INSERT 0 1") == 0 && affected == 1, "tag %s, %lld rows", tag, (long long)affected);
  OK(redwood_result_free(&done), "free");
  CHECK(done == NULL, "free sets the handle to NULL");
  OK(redwood_result_free(&done), "a second free is a no-op");
  CHECK(redwood_bind_int64(insert, 9, 1) == REDWOOD_STATUS_INVALID_ARGUMENT, "parameter 9 of 8");
  CHECK(strcmp(redwood_statement_sqlstate(insert), "22023") == 0, "%s", redwood_statement_sqlstate(insert));
  CHECK(redwood_bind_decimal(insert, 3, "12.x") == REDWOOD_STATUS_ERROR, "a malformed decimal");
  CHECK(strcmp(redwood_statement_sqlstate(insert), "22P02") == 0, "%s", redwood_statement_sqlstate(insert));
  for (size_t i = 1; i <= 8; i++) OK(redwood_bind_null(insert, i), "bind null");
  OK(redwood_bind_int64(insert, 1, 2), "bind id");
  OK(redwood_execute_prepared(db, insert, NULL), redwood_connection_error_message(db));
  OK(redwood_statement_free(&insert), "free");

  /* Read back value by value. */
  redwood_result *rows = NULL;
  OK(redwood_execute(db, "SELECT * FROM c_types ORDER BY id", &rows), redwood_connection_error_message(db));
  size_t columns = 0;
  OK(redwood_result_column_count(rows, &columns), "columns");
  CHECK(columns == 8, "%zu columns", columns);
  const char *name = NULL;
  redwood_type type;
  int32_t precision = 0, scale = 0;
  bool nullable = false;
  OK(redwood_result_column(rows, 2, &name, &type, &precision, &scale, &nullable), redwood_result_error_message(rows));
  CHECK(strcmp(name, "amount") == 0 && type == REDWOOD_TYPE_DECIMAL && precision == 10 && scale == 2 && nullable,
        "%s %d(%d,%d)", name, (int)type, precision, scale);
  OK(redwood_result_column(rows, 1, NULL, &type, &precision, NULL, NULL), "name column");
  CHECK(type == REDWOOD_TYPE_VARCHAR && precision == 20, "%d(%d)", (int)type, precision);
  CHECK(redwood_result_column(rows, 8, &name, NULL, NULL, NULL, NULL) == REDWOOD_STATUS_INVALID_ARGUMENT, "column 8 of 8");

  size_t count = 0;
  OK(redwood_result_next_batch(rows, &count), redwood_result_error_message(rows));
  CHECK(count == 2, "%zu rows", count);
  int64_t id = 0, big = 0, at = 0;
  double ratio = 0, amount = 0;
  bool flag = false, is_null = false;
  int32_t day = 0;
  const char *text = NULL;
  OK(redwood_result_get_int64(rows, 0, 0, &id), redwood_result_error_message(rows));
  OK(redwood_result_get_text(rows, 1, 0, &text), redwood_result_error_message(rows));
  CHECK(id == 1 && strcmp(text, "caf\xc3\xa9 it's") == 0, "%lld %s", (long long)id, text);
  OK(redwood_result_get_text(rows, 2, 0, &text), redwood_result_error_message(rows));
  CHECK(strcmp(text, "-12.34") == 0, "amount as text %s", text);
  OK(redwood_result_get_double(rows, 2, 0, &amount), redwood_result_error_message(rows));
  OK(redwood_result_get_double(rows, 3, 0, &ratio), redwood_result_error_message(rows));
  OK(redwood_result_get_bool(rows, 4, 0, &flag), redwood_result_error_message(rows));
  OK(redwood_result_get_date(rows, 5, 0, &day), redwood_result_error_message(rows));
  OK(redwood_result_get_timestamp(rows, 6, 0, &at), redwood_result_error_message(rows));
  OK(redwood_result_get_int64(rows, 7, 0, &big), redwood_result_error_message(rows));
  CHECK(amount == -12.34 && ratio == 0.25 && flag && day == 19782 && at == 1709210096500000LL && big == 9000000000LL,
        "%f %f %d %d %lld %lld", amount, ratio, flag, day, (long long)at, (long long)big);
  OK(redwood_result_get_text(rows, 6, 0, &text), redwood_result_error_message(rows));
  CHECK(strcmp(text, "2024-02-29 12:34:56.5") == 0, "timestamp as text %s", text);
  OK(redwood_result_is_null(rows, 1, 1, &is_null), redwood_result_error_message(rows));
  CHECK(is_null, "row 2's name is NULL");
  OK(redwood_result_get_text(rows, 1, 1, &text), redwood_result_error_message(rows));
  CHECK(text == NULL, "NULL as text is a NULL pointer");
  CHECK(redwood_result_get_int64(rows, 7, 1, &big) == REDWOOD_STATUS_ERROR, "reading NULL as a number");
  CHECK(redwood_result_get_int64(rows, 0, 2, &id) == REDWOOD_STATUS_INVALID_ARGUMENT, "row 2 of 2");
  CHECK(redwood_result_get_bool(rows, 0, 0, &flag) == REDWOOD_STATUS_ERROR, "an integer read as a boolean");
  CHECK(strcmp(redwood_result_sqlstate(rows), "42804") == 0, "%s", redwood_result_sqlstate(rows));
  CHECK(redwood_result_next_batch(rows, &count) == REDWOOD_STATUS_DONE, "one batch");
  CHECK(redwood_result_next_batch(rows, &count) == REDWOOD_STATUS_DONE, "still done");
  OK(redwood_result_free(&rows), "free");

  /* Errors carry their SQLSTATE; the connection goes on. */
  CHECK(redwood_execute(db, "SELECT * FROM no_such_table", &rows) == REDWOOD_STATUS_ERROR, "missing table");
  CHECK(rows == NULL, "no result on failure");
  CHECK(strcmp(redwood_connection_sqlstate(db), "42P01") == 0, "%s", redwood_connection_sqlstate(db));
  CHECK(redwood_execute(db, NULL, &rows) == REDWOOD_STATUS_INVALID_ARGUMENT, "NULL sql");
  CHECK(redwood_execute(db, "SELECT '\xff'", &rows) == REDWOOD_STATUS_INVALID_ARGUMENT, "invalid UTF-8");
  CHECK(redwood_execute(NULL, "SELECT 1", &rows) == REDWOOD_STATUS_INVALID_ARGUMENT, "NULL connection");
  CHECK(strlen(redwood_last_error_message()) > 0, "the thread's last error says why");

  /* The Arrow C stream. */
  OK(redwood_execute(db, "SELECT value FROM generate_series(1, 20000) ORDER BY value", &rows),
     redwood_connection_error_message(db));
  struct ArrowArrayStream stream;
  OK(redwood_result_arrow_stream(rows, &stream), redwood_result_error_message(rows));
  struct ArrowSchema schema;
  CHECK(stream.get_schema(&stream, &schema) == 0, "schema");
  CHECK(schema.n_children == 1 && strcmp(schema.children[0]->format, "l") == 0, "one int64 column: %s",
        schema.children[0]->format);
  schema.release(&schema);
  long long total_rows = 0, sum = 0;
  for (;;) {
    struct ArrowArray batch;
    CHECK(stream.get_next(&stream, &batch) == 0, "next: %s", stream.get_last_error(&stream));
    if (batch.release == NULL) break;
    const int64_t *values = (const int64_t *)batch.children[0]->buffers[1];
    for (int64_t i = 0; i < batch.length; i++) sum += values[i + batch.children[0]->offset];
    total_rows += batch.length;
    batch.release(&batch);
  }
  stream.release(&stream);
  CHECK(total_rows == 20000 && sum == 200010000LL, "%lld rows, sum %lld", total_rows, sum);
  OK(redwood_result_free(&rows), "free");

  /* Cancel from another thread. */
  redwood_cancel_handle *cancel = NULL;
  OK(redwood_cancel_handle_new(db, &cancel), "cancel handle");
  pthread_t canceller;
  pthread_create(&canceller, NULL, cancel_later, cancel);
  redwood_status status = redwood_execute(db,
      "SELECT sum(value) FROM generate_series(1, 20000000000)", NULL);
  pthread_join(canceller, NULL);
  CHECK(status == REDWOOD_STATUS_ERROR && strcmp(redwood_connection_sqlstate(db), "57014") == 0, "cancelled: %s %s",
        redwood_connection_sqlstate(db), redwood_connection_error_message(db));
  OK(redwood_cancel_handle_free(&cancel), "free");
  exec(db, "SELECT 1");

  OK(redwood_close(&db), "close");
  CHECK(db == NULL, "close sets the handle to NULL");
  OK(redwood_close(&db), "closing twice is a no-op");
  if (failures) {
    fprintf(stderr, "%d checks failed\n", failures);
    return 1;
  }
  printf("ok\n");
  return 0;
}
