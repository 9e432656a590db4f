package dev.redwood.jdbc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/** The privilege matrix every client runs: tests/clients/privilege_matrix.txt (its format is described there). */
final class PrivilegeMatrix {
    final String password;
    final List<String> users;
    final List<String> setup = new ArrayList<>();
    final Map<String, String> statements = new LinkedHashMap<>();
    final Map<String, Set<String>> allowed = new TreeMap<>();

    /** Runs a statement as a user: null when it succeeds, else the SQLSTATE. */
    interface Runner {
        String run(String user, String sql) throws Exception;
    }

    private PrivilegeMatrix(Map<String, List<String>> sections) {
        password = sections.get("password").get(0);
        users = sections.get("users");
        for (String user : users) {
            setup.add("CREATE USER " + user + " PASSWORD '" + password + "'");
        }
        setup.addAll(sections.get("setup"));
        for (String line : sections.get("statements")) {
            String[] parts = line.split("\\|", 2);
            statements.put(parts[0].trim(), parts[1].trim());
        }
        for (String line : sections.get("allowed")) {
            String[] parts = line.split("\\|", 2);
            Set<String> names = new java.util.TreeSet<>();
            for (String name : parts[1].split(",")) {
                if (!name.isBlank()) {
                    names.add(name.trim());
                }
            }
            allowed.put(parts[0].trim(), names);
        }
    }

    /** The file beside this Maven project (tests are run from tests/clients/jdbc). */
    static PrivilegeMatrix load() throws IOException {
        Map<String, List<String>> sections = new LinkedHashMap<>();
        List<String> current = null;
        for (String raw : Files.readAllLines(Path.of("..", "privilege_matrix.txt"))) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                current = new ArrayList<>();
                sections.put(line.substring(1, line.length() - 1), current);
            } else {
                current.add(line);
            }
        }
        return new PrivilegeMatrix(sections);
    }

    /** Every (user, statement) whose outcome is not the expected one, with (outcome, expected). */
    Map<String, String> mismatches(Runner runner) throws Exception {
        Map<String, String> wrong = new TreeMap<>();
        for (String user : users) {
            for (Map.Entry<String, String> statement : statements.entrySet()) {
                String outcome = runner.run(user, statement.getValue());
                String expected = allowed.get(user).contains(statement.getKey()) ? null : "42501";
                if (!Objects.equals(outcome, expected)) {
                    wrong.put(user + " / " + statement.getKey(), outcome + " (expected " + expected + ")");
                }
            }
        }
        return wrong;
    }
}
