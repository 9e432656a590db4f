/*
 * Runs statements as other users through the C API, for the privilege matrix
 * (tests/clients/privilege_matrix.txt, driven by tests/clients/test_c_api.py).
 *
 *   privilege_runner TARGET MODE PASSWORD < lines
 *
 * Each input line is `user<TAB>sql`. MODE `login`: TARGET is a redwood:// URL without a user,
 * and each user logs in with PASSWORD. MODE `switch`: one connection to TARGET (an embedded
 * database, or a URL with a superuser) runs everything, switching users with SET SESSION
 * AUTHORIZATION; user `-` runs as that connection's own user (set-up). Prints one line per
 * statement: `ok` or its SQLSTATE.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redwood.h"

static const char *run(struct redwood_connection *connection, const char *sql) {
    return redwood_execute(connection, sql, NULL) == REDWOOD_STATUS_OK ? "ok" : redwood_connection_sqlstate(connection);
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s TARGET login|switch PASSWORD\n", argv[0]);
        return 2;
    }
    const char *target = argv[1], *password = argv[3];
    int login = strcmp(argv[2], "login") == 0;
    struct redwood_connection *admin = NULL;
    if (!login && redwood_open(target, NULL, NULL, &admin) != REDWOOD_STATUS_OK) {
        fprintf(stderr, "open %s: %s\n", target, redwood_last_error_message());
        return 1;
    }
    char line[4096];
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (tab == NULL) {
            continue;
        }
        *tab = '\0';
        const char *user = line, *sql = tab + 1;
        if (login) {
            struct redwood_connection *connection = NULL;
            if (redwood_open(target, user, password, &connection) != REDWOOD_STATUS_OK) {
                printf("%s\n", redwood_last_error_sqlstate());
                continue;
            }
            printf("%s\n", run(connection, sql));
            redwood_close(&connection);
        } else if (strcmp(user, "-") == 0) {
            printf("%s\n", run(admin, sql));
        } else {
            char set[sizeof line + 32];
            snprintf(set, sizeof set, "SET SESSION AUTHORIZATION %s", user);
            run(admin, set);
            printf("%s\n", run(admin, sql));
            run(admin, "RESET SESSION AUTHORIZATION");
        }
        fflush(stdout);
    }
    redwood_close(&admin);
    return 0;
}
