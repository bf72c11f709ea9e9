package dev.cognigyops.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** One real PostgreSQL for the class; the last test closes it. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresServerTest {

    private static PostgresServer pg;

    @BeforeAll
    static void startPostgres() {
        pg = PostgresServer.start();
    }

    @AfterAll
    static void stopPostgres() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void storesAndReadsBackRowsOverJdbcWithTheUserAndPassword() throws SQLException {
        try (Connection c = connect(pg.jdbcUrl())) {
            exec(c, "CREATE TABLE runs (id text PRIMARY KEY, status text NOT NULL)");
            exec(c, "INSERT INTO runs VALUES ('r-1', 'RUNNING'), ('r-2', 'SUCCEEDED')");
            assertThat(rows(c, "SELECT id || '=' || status FROM runs ORDER BY id"))
                    .containsExactly("r-1=RUNNING", "r-2=SUCCEEDED");
            assertThat(rows(c, "SELECT current_user || '@' || current_database()"))
                    .containsExactly(pg.user() + "@" + PostgresServer.DATABASE);
            assertThat(rows(c, "SHOW server_encoding")).containsExactly("UTF8");
        }
        assertThat(pg.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + pg.port() + "/cognigy_ops");
    }

    @Test
    void aWrongPasswordIsRefused() {
        assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl(), pg.user(), "not-" + pg.password()))
                .isInstanceOfSatisfying(SQLException.class,
                        e -> assertThat(e.getSQLState()).isEqualTo("28P01")); // invalid_password
    }

    @Test
    void eachCreatedDatabaseStartsEmptyAndKeepsItsOwnTables() throws SQLException {
        String a = pg.createDatabase("store_a");
        String b = pg.createDatabase();
        assertThat(a).endsWith(":" + pg.port() + "/store_a");
        assertThat(b).isNotEqualTo(a);

        try (Connection ca = connect(a); Connection cb = connect(b)) {
            exec(ca, "CREATE TABLE runs (id text)");
            exec(ca, "INSERT INTO runs VALUES ('only-in-a')");
            assertThat(rows(cb, "SELECT coalesce(to_regclass('runs')::text, 'none')")).containsExactly("none");

            exec(cb, "CREATE TABLE runs (id text)");
            exec(cb, "INSERT INTO runs VALUES ('only-in-b')");
            assertThat(rows(ca, "SELECT id FROM runs")).containsExactly("only-in-a");
            assertThat(rows(cb, "SELECT id FROM runs")).containsExactly("only-in-b");
        }
    }

    @Test
    void refusesDatabaseNamesThatAreNotPlainIdentifiers() {
        assertThatThrownBy(() -> pg.createDatabase("x\"; DROP DATABASE cognigy_ops; --"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stopsAndStartsAgainOnTheSamePortWithTheSameData() throws SQLException {
        String url = pg.createDatabase("survives_restart");
        int port = pg.port();
        try (Connection c = connect(url)) {
            exec(c, "CREATE TABLE runs (id text)");
            exec(c, "INSERT INTO runs VALUES ('r-kept')");

            pg.stopServer();

            assertThat(pg.isRunning()).isFalse();
            // the open connection breaks, and a new one is refused
            assertThatThrownBy(() -> rows(c, "SELECT id FROM runs")).isInstanceOf(SQLException.class);
        }
        assertThatThrownBy(() -> connect(url))
                .isInstanceOfSatisfying(SQLException.class,
                        e -> assertThat(e.getSQLState()).isEqualTo("08001")); // connection refused

        pg.startServer();

        assertThat(pg.isRunning()).isTrue();
        assertThat(pg.port()).isEqualTo(port);
        try (Connection c = connect(url)) {
            assertThat(rows(c, "SELECT id FROM runs")).containsExactly("r-kept");
        }
    }

    @Test
    void aStartThatFailsSaysWhyWithTheServerLog() throws Exception {
        pg.stopServer();
        try (ServerSocket squatter = new ServerSocket(pg.port(), 1, InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(pg::startServer)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("PostgreSQL did not start on 127.0.0.1:" + pg.port())
                    .hasMessageContaining("--- server log")
                    .hasMessageContaining("could not bind IPv4 address \"127.0.0.1\"");
            assertThat(pg.isRunning()).isFalse();
        }
        pg.startServer();
        try (Connection c = connect(pg.jdbcUrl())) {
            assertThat(rows(c, "SELECT 1")).containsExactly("1");
        }
    }

    @Test
    void findsTheNewestDebianServerElseOneOnThePath(@TempDir Path tmp) throws Exception {
        Path debian = tmp.resolve("usr-lib-postgresql");
        Path v96 = serverBinaries(debian.resolve("9.6/bin"));
        Path v15 = serverBinaries(debian.resolve("15/bin"));
        Files.writeString(Files.createDirectories(debian.resolve("16/bin")).resolve("psql"), ""); // client only
        Path onPath = serverBinaries(tmp.resolve("opt/pg/bin"));
        Path linkDir = Files.createDirectories(tmp.resolve("local-bin"));
        Files.createSymbolicLink(linkDir.resolve("initdb"), onPath.resolve("initdb"));
        String path = tmp.resolve("nothing-here") + ":" + linkDir;

        assertThat(PostgresServer.findBinDir(debian, path)).contains(v15);
        Files.delete(v15.resolve("postgres"));
        assertThat(PostgresServer.findBinDir(debian, path)).contains(v96);
        assertThat(PostgresServer.findBinDir(tmp.resolve("no-debian"), path)).contains(onPath.toRealPath());
        assertThat(PostgresServer.findBinDir(tmp.resolve("no-debian"), "")).isEmpty();
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void closeStopsTheServerAndDeletesItsDirectory() {
        Path dir = pg.directory();
        assertThat(dir).isDirectory();

        pg.close();

        assertThat(Files.exists(dir)).isFalse();
        assertThatThrownBy(() -> connect(pg.jdbcUrl())).isInstanceOf(SQLException.class);
        pg.close(); // twice is fine
    }

    private static Path serverBinaries(Path bin) throws Exception {
        Files.createDirectories(bin);
        for (String name : List.of("initdb", "pg_ctl", "postgres")) {
            Files.writeString(bin.resolve(name), "#!/bin/sh\n");
            Files.setPosixFilePermissions(bin.resolve(name), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return bin;
    }

    private static Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url, pg.user(), pg.password());
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static List<String> rows(Connection c, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }
}
