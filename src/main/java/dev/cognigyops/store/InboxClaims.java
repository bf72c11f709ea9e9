package dev.cognigyops.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dropped files being read, shared by every instance on one run store (table {@code inbox_claims},
 * migration {@code V2}): the file route's read lock ({@code readLock=idempotent-changed}), so that of
 * several instances watching one inbox folder exactly one takes each file. Camel adds a file's key
 * before it reads the file and removes it once the file has moved out of the inbox (to
 * {@code .done/} or {@code .failed/}), so a file dropped later under the same name runs too.
 * <p>
 * Camel's {@link IdempotentRepository} contract, on the store:
 * <ul>
 * <li>{@link #add}: an INSERT; true when this instance now holds the key, false when the key is held
 * (by another instance, or by this one already). A held key whose claim is stale is taken over by one
 * conditional UPDATE, so of several instances at once one gets it.</li>
 * <li>{@link #contains}: whether someone holds the key (a stale claim holds nothing).</li>
 * <li>{@link #remove}: deletes the key if this instance holds it (never another's claim).</li>
 * <li>{@link #confirm}: true when this instance holds the key; nothing to write, as the claim is already stored.</li>
 * <li>{@link #clear}: deletes this instance's claims (never another's: that would let two read one file).</li>
 * </ul>
 * <b>When a claim is stale.</b> A claim lasts for {@code cognigy.cluster.lease-seconds} and this
 * instance's heartbeat ({@link #renew}) keeps the claims it holds ahead of that, however long their
 * runs last. It is stale when its lease has lapsed (its instance died, or lost the store) or when an
 * earlier life of this node made it (the node was restarted: the claim is taken back at once). A file
 * whose claim went stale is still in the inbox, and runs again; a request with a requestId that ran
 * meanwhile is then a duplicate.
 */
public final class InboxClaims extends ServiceSupport implements IdempotentRepository {

    private static final Logger LOG = LoggerFactory.getLogger(InboxClaims.class);
    /** Longer keys (paths) are stored as their start and their SHA-256: the column holds 400 characters. */
    static final int MAX_KEY = 400;

    private final DataSource dataSource;
    private final String node;
    private final String owner;
    private final Duration lease;
    private final Clock clock;
    /** The keys this instance holds, stored form: the heartbeat renews these, and only these. */
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    /** Whether the last renewal found the store away (said once, not at every beat). */
    private volatile boolean away;

    /** {@code owner}: this instance, {@code node#incarnation}, as in the runs it owns. */
    public InboxClaims(DataSource dataSource, String node, String owner, Duration lease, Clock clock) {
        this.dataSource = dataSource;
        this.node = node;
        this.owner = owner;
        this.lease = lease;
        this.clock = clock;
    }

    /**
     * The command line's: it has no store and its file route never starts, but the route's endpoint
     * and the heartbeat name this bean. Claims in this process only, and nothing to renew.
     */
    public static InboxClaims off() {
        return new InboxClaims(null, "command-line", "command-line#0", Duration.ZERO, Clock.systemUTC());
    }

    @Override
    public boolean add(String key) {
        String k = stored(key);
        if (dataSource == null) {
            return held.add(k);
        }
        Instant now = clock.instant();
        try {
            if (insert(k, now) || takeOverStale(k, now)) {
                held.add(k);
                return true;
            }
            return false;
        } catch (StoreException e) {
            // Camel skips the file quietly when add fails: say why; the next poll tries again
            LOG.warn("the inbox file {} is not read now: {}", key, e.getMessage());
            return false;
        }
    }

    @Override
    public boolean contains(String key) {
        if (dataSource == null) {
            return held.contains(stored(key));
        }
        String sql = "SELECT 1 FROM inbox_claims WHERE claim_key = ? AND lease_until >= ? AND NOT (owner_node = ? AND owner <> ?)";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, stored(key));
            s.setObject(2, RunStore.time(clock.instant()));
            s.setString(3, node);
            s.setString(4, owner);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        } catch (SQLException e) {
            throw new StoreException("the run store could not read the claim of inbox file " + key, e);
        }
    }

    @Override
    public boolean remove(String key) {
        String k = stored(key);
        // renewed no more, whatever happens here: a claim that could not be deleted lapses within the lease
        boolean wasHeld = held.remove(k);
        if (dataSource == null) {
            return wasHeld;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("DELETE FROM inbox_claims WHERE claim_key = ? AND owner = ?")) {
            s.setString(1, k);
            s.setString(2, owner);
            return s.executeUpdate() == 1;
        } catch (SQLException e) {
            LOG.warn("the claim of inbox file {} could not be released ({}); it lapses within {} s", key,
                    e.getMessage(), lease.toSeconds());
            return false;
        }
    }

    @Override
    public boolean confirm(String key) {
        if (dataSource == null) {
            return held.contains(stored(key));
        }
        String sql = "SELECT 1 FROM inbox_claims WHERE claim_key = ? AND owner = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, stored(key));
            s.setString(2, owner);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        } catch (SQLException e) {
            throw new StoreException("the run store could not read the claim of inbox file " + key, e);
        }
    }

    @Override
    public void clear() {
        if (dataSource == null) {
            held.clear();
            return;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("DELETE FROM inbox_claims WHERE owner = ?")) {
            s.setString(1, owner);
            s.executeUpdate();
            held.clear();
        } catch (SQLException e) {
            throw new StoreException("the run store could not clear the inbox claims of " + owner, e);
        }
    }

    /**
     * The heartbeat: every claim this instance holds is kept until {@code now + lease}. A claim found
     * no longer this instance's (its lease lapsed and another took it over) is forgotten. Returns how
     * many were renewed; 0 while the store is away (the claims lapse if it stays away longer than the
     * lease, as the runs' leases do).
     */
    public int renew() {
        List<String> keys = List.copyOf(held);
        if (keys.isEmpty() || dataSource == null) {
            return 0;
        }
        String sql = "UPDATE inbox_claims SET lease_until = ? WHERE claim_key = ? AND owner = ?";
        Instant until = clock.instant().plus(lease);
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (String k : keys) {
                s.setObject(1, RunStore.time(until));
                s.setString(2, k);
                s.setString(3, owner);
                s.addBatch();
            }
            int[] counts = s.executeBatch();
            int renewed = 0;
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] == 0) {
                    held.remove(keys.get(i));
                    LOG.warn("the claim of inbox file {} is no longer this instance's: its lease lapsed", keys.get(i));
                } else {
                    renewed++;
                }
            }
            if (away) {
                away = false;
                LOG.info("the inbox claims of {} are renewed again", owner);
            }
            return renewed;
        } catch (SQLException e) {
            if (!away) {
                away = true;
                LOG.warn("{}; they lapse if it stays away for {} s", new StoreException("the run store could not renew the"
                        + " inbox claims of " + owner, e).getMessage(), lease.toSeconds());
            }
            return 0;
        }
    }

    /** The key as stored: itself, or when longer than {@value #MAX_KEY} characters its start and its SHA-256. */
    static String stored(String key) {
        if (key.length() <= MAX_KEY) {
            return key;
        }
        try {
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
            return key.substring(0, MAX_KEY - hash.length() - 1) + "#" + hash;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    private boolean insert(String k, Instant now) {
        String sql = "INSERT INTO inbox_claims (claim_key, owner_node, owner, claimed_at, lease_until) VALUES (?, ?, ?, ?, ?)";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, k);
            s.setString(2, node);
            s.setString(3, owner);
            s.setObject(4, RunStore.time(now));
            s.setObject(5, RunStore.time(now.plus(lease)));
            s.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (RunStore.isUniqueViolation(e)) {
                return false;
            }
            throw new StoreException("the run store could not claim inbox file " + k, e);
        }
    }

    /** Takes the claim over if it is stale, the staleness checked in the same statement. */
    private boolean takeOverStale(String k, Instant now) {
        String sql = "UPDATE inbox_claims SET owner_node = ?, owner = ?, claimed_at = ?, lease_until = ?"
                + " WHERE claim_key = ? AND (lease_until < ? OR (owner_node = ? AND owner <> ?))";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, node);
            s.setString(2, owner);
            s.setObject(3, RunStore.time(now));
            s.setObject(4, RunStore.time(now.plus(lease)));
            s.setString(5, k);
            s.setObject(6, RunStore.time(now));
            s.setString(7, node);
            s.setString(8, owner);
            boolean taken = s.executeUpdate() == 1;
            if (taken) {
                LOG.info("inbox file {}: its claim was stale (its instance stopped renewing it, or was an earlier life"
                        + " of this node); this instance takes it over", k);
            }
            return taken;
        } catch (SQLException e) {
            throw new StoreException("the run store could not claim inbox file " + k, e);
        }
    }

    @Override
    protected void doStart() {
        // the store is opened and migrated before any route starts (AppConfiguration)
    }

    @Override
    protected void doStop() {
        // the claims stay: each is removed when its file has moved, or lapses
    }
}
