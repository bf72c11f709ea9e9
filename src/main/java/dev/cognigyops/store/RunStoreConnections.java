package dev.cognigyops.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import org.quartz.utils.ConnectionProvider;

/**
 * Quartz's way into the run store's pool: the schedules' job store takes its connections from the same
 * pool as the runs, so they live in the same database and nothing else is configured. Quartz builds its
 * connection provider itself, by class name and bean properties
 * ({@code org.quartz.dataSource.<name>.connectionProvider.class} and {@code org.quartz.dataSource.<name>.store}),
 * so the pool is found by the key {@link #register} gave it. Quartz's shutdown leaves the pool open: the
 * pool is the store's, closed with it.
 */
public final class RunStoreConnections implements ConnectionProvider {

    private static final Map<String, DataSource> POOLS = new ConcurrentHashMap<>();

    private volatile String store;

    /** Makes a pool known to Quartz; the key goes in the scheduler's properties. */
    public static String register(DataSource pool) {
        String key = UUID.randomUUID().toString();
        POOLS.put(key, pool);
        return key;
    }

    /** Forgets a pool (when its store closes). */
    public static void unregister(String key) {
        POOLS.remove(key);
    }

    /** Bean property set by Quartz from {@code org.quartz.dataSource.<name>.store}. */
    public void setStore(String store) {
        this.store = store;
    }

    @Override
    public void initialize() throws SQLException {
        pool();
    }

    @Override
    public Connection getConnection() throws SQLException {
        return pool().getConnection();
    }

    @Override
    public void shutdown() {
        // the pool is the run store's: it closes with the store, after the scheduler
    }

    private DataSource pool() throws SQLException {
        DataSource pool = store == null ? null : POOLS.get(store);
        if (pool == null) {
            throw new SQLException("no run store pool is registered under '" + store + "' for the schedules");
        }
        return pool;
    }
}
