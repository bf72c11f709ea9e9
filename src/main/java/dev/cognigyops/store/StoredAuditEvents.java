package dev.cognigyops.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;

import javax.sql.DataSource;

import dev.cognigyops.audit.AuditLog;

/**
 * The audit events in the run store (table {@code audit_events}, migration V4), written by
 * {@link AuditLog} beside its file, so that the runs API can read any run's events on any instance
 * ({@link RunQueries#events}).
 */
public final class StoredAuditEvents implements AuditLog.Sink {

    private static final String INSERT = "INSERT INTO audit_events (run_id, action, event_time, event) VALUES (?, ?, ?, ?)";

    private final DataSource dataSource;

    public StoredAuditEvents(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void write(String runId, String action, Instant at, String line) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(INSERT)) {
            s.setString(1, runId);
            s.setString(2, action);
            s.setObject(3, RunStore.time(at));
            s.setString(4, line);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("the run store could not record an audit event of run " + runId, e);
        }
    }
}
