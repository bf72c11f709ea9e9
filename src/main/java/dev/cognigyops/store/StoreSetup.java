package dev.cognigyops.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;

/**
 * Opens the run store at start: a connection pool on the embedded H2 file in {@code cognigy.data.dir}
 * (nothing to install or start) or on the database {@code cognigy.store.url} names (PostgreSQL for a
 * cluster), then creates or migrates its tables with Flyway: the common migrations ({@code db/migration}) and
 * those written for the database in use ({@code db/vendor/<database>}, {@link StoreDatabase}). It refuses,
 * with one clear message, a database it cannot reach and a schema newer than this program.
 */
public final class StoreSetup {

    /** Where and how to reach the store; a blank url means the embedded database in {@code dataDir}. */
    public record Config(String url, String user, String password, Path dataDir, int poolSize, Duration connectTimeout) {

        public boolean embedded() {
            return url == null || url.isBlank();
        }

        /**
         * The JDBC URL in use: the embedded one (H2 in PostgreSQL mode, so the same SQL runs on both) or the
         * configured one. WRITE_DELAY=0: H2 otherwise writes committed changes to its file from a background
         * thread up to 500 ms later (more on a busy machine), so a kill -9 lost the last checkpoints and the
         * resumed run repeated their steps (a second deployment created, a flow pushed again: CrashResumeIT).
         * With it a commit is in the file (the operating system's cache) when it returns.
         */
        public String jdbcUrl() {
            if (!embedded()) {
                return url.trim();
            }
            return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("cognigy-ops") + ";MODE=PostgreSQL"
                    + ";DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
        }

        /** The URL as it may be shown: no user information, no parameters (a password may hide there). */
        public String shownUrl() {
            String shown = jdbcUrl();
            int params = shown.indexOf(embedded() ? ';' : '?');
            if (params >= 0) {
                shown = shown.substring(0, params);
            }
            return shown.replaceAll("//[^/@]*@", "//");
        }
    }

    private StoreSetup() {
    }

    /** The pool, with the tables at this program's version. */
    public static HikariDataSource open(Config config) {
        if (config.embedded()) {
            try {
                Files.createDirectories(config.dataDir());
            } catch (java.io.IOException e) {
                throw new StoreException("the run store's folder " + config.dataDir().toAbsolutePath()
                        + " (cognigy.data.dir) cannot be created", e);
            }
        }
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("run-store");
        hikari.setJdbcUrl(config.jdbcUrl());
        if (config.user() != null && !config.user().isBlank()) {
            hikari.setUsername(config.user());
        } else if (config.embedded()) {
            hikari.setUsername("sa");
        }
        if (config.password() != null && !config.password().isBlank()) {
            hikari.setPassword(config.password());
        }
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setMinimumIdle(1);
        hikari.setConnectionTimeout(Math.max(250, config.connectTimeout().toMillis()));
        // a store that cannot be reached fails the start at once, not the first run
        hikari.setInitializationFailTimeout(Math.max(1, config.connectTimeout().toMillis()));
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            throw new StoreException("the run store at " + config.shownUrl() + " cannot be reached"
                    + (config.embedded() ? " (is another cognigy-ops using " + config.dataDir().toAbsolutePath()
                    + "? the embedded store serves one process; use PostgreSQL for several)" : ""), rootCause(e));
        }
        try {
            migrate(dataSource, config);
            return dataSource;
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    /** Where the migrations every database runs live; each database's own ones are in {@link StoreDatabase#migrations()}. */
    static final String COMMON_MIGRATIONS = "classpath:db/migration";

    static void migrate(javax.sql.DataSource dataSource, Config config) {
        // one version sequence over both folders: a version is either common or written once per database
        Flyway flyway = Flyway.configure()
                .dataSource(dataSource)
                .locations(COMMON_MIGRATIONS, StoreDatabase.of(dataSource).migrations())
                .table("schema_history")
                .load();
        MigrationInfo newer = null;
        for (MigrationInfo m : flyway.info().all()) {
            if (m.getState() == MigrationState.FUTURE_SUCCESS || m.getState() == MigrationState.FUTURE_FAILED) {
                newer = m;
            }
        }
        if (newer != null) {
            throw new StoreException("the run store at " + config.shownUrl() + " has schema version " + newer.getVersion()
                    + ", newer than this program knows (" + highestKnown(flyway)
                    + "): it was migrated by a newer cognigy-ops; run that version, or a store of its own");
        }
        try {
            flyway.migrate();
        } catch (RuntimeException e) {
            throw new StoreException("the run store at " + config.shownUrl() + " could not be migrated", rootCause(e));
        }
    }

    private static String highestKnown(Flyway flyway) {
        String highest = "none";
        for (MigrationInfo m : flyway.info().all()) {
            if (m.getState() != MigrationState.FUTURE_SUCCESS && m.getState() != MigrationState.FUTURE_FAILED
                    && m.getVersion() != null) {
                highest = m.getVersion().toString();
            }
        }
        return highest;
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
