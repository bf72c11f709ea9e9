package dev.cognigyops.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

import javax.sql.DataSource;

/**
 * The database under the run store, as the parts that must speak its dialect see it: the folder of its own
 * migrations ({@code db/vendor/<id>}, beside the common {@code db/migration}) and the Quartz driver delegate
 * that reads and writes the schedules' tables on it. Known by the product name its JDBC driver reports
 * (H2 stays {@code H2} in PostgreSQL mode); any other database is refused at start, by name.
 */
public enum StoreDatabase {

    H2("h2", "org.quartz.impl.jdbcjobstore.StdJDBCDelegate"),
    POSTGRESQL("postgresql", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");

    private final String id;
    private final String quartzDelegate;

    StoreDatabase(String id, String quartzDelegate) {
        this.id = id;
        this.quartzDelegate = quartzDelegate;
    }

    /** From {@link java.sql.DatabaseMetaData#getDatabaseProductName()}. */
    public static StoreDatabase fromProductName(String productName) {
        String name = productName == null ? "" : productName.trim().toLowerCase(Locale.ROOT);
        if (name.equals("h2")) {
            return H2;
        }
        if (name.equals("postgresql")) {
            return POSTGRESQL;
        }
        throw new StoreException("the run store runs on " + (name.isEmpty() ? "an unnamed database" : productName.trim())
                + ", which cognigy-ops does not support: use PostgreSQL (cognigy.store.url), or leave it blank for the embedded store");
    }

    /** Asks the database itself. */
    public static StoreDatabase of(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            return fromProductName(c.getMetaData().getDatabaseProductName());
        } catch (SQLException e) {
            throw new StoreException("the run store's database cannot be identified", e);
        }
    }

    /** The lower-case name of its migrations folder. */
    public String id() {
        return id;
    }

    /** The Flyway location of the migrations written for this database only. */
    public String migrations() {
        return "classpath:db/vendor/" + id;
    }

    /** The class Quartz's JDBC job store speaks this database's SQL with. */
    public String quartzDelegate() {
        return quartzDelegate;
    }
}
