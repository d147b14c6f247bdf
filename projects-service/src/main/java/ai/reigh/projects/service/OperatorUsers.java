package ai.reigh.projects.service;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.ErrorCode;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.page.Page;
import ai.reigh.projects.repository.OperatorUserRepository;
import ai.reigh.projects.repository.OperatorUserRepository.FoundUser;
import io.smallrye.mutiny.Uni;

/** The operator console's user search: a full id finds that user; any other text is a prefix of an email or username. */
@ApplicationScoped
public class OperatorUsers {
    public static final int MAX_QUERY_LENGTH = 200;
    private static final int CANONICAL_UUID_LENGTH = 36;

    private final Db db;
    private final OperatorUserRepository users;

    public OperatorUsers(Db db, OperatorUserRepository users) {
        this.db = db;
        this.users = users;
    }

    public Uni<Page<FoundUser>> find(UUID adminId, String query, int limit, String cursor) {
        UUID id = asId(query);
        if (id != null) {
            return db.inTransaction(Actor.admin(adminId), connection -> users.byId(connection, id))
                    .map(found -> new Page<>(found, null));
        }
        String pattern = query.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        After after = After.decode(cursor);
        return db.inTransaction(Actor.admin(adminId), connection -> users.byPrefix(connection, pattern,
                after == null ? null : after.sortKey(), after == null ? null : after.id(), limit + 1))
                .map(rows -> Page.ofRows(rows, limit, last -> new After(last.sortKey(), last.id()).encode()));
    }

    /** A malformed cursor is a 400 invalid_cursor, whatever else the request gets wrong. */
    public static void checkCursor(String cursor) {
        After.decode(cursor);
    }

    private static UUID asId(String query) {
        if (query.length() != CANONICAL_UUID_LENGTH) {
            return null;
        }
        try {
            return UUID.fromString(query);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The keyset position of a page's last user: (lower(email), id), opaque to the client. */
    record After(String sortKey, UUID id) {
        String encode() {
            return Base64.getUrlEncoder().withoutPadding().encodeToString((id + sortKey).getBytes(StandardCharsets.UTF_8));
        }

        static After decode(String cursor) {
            if (cursor == null || cursor.isEmpty()) {
                return null;
            }
            try {
                String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                return new After(text.substring(CANONICAL_UUID_LENGTH), UUID.fromString(text.substring(0, CANONICAL_UUID_LENGTH)));
            } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                throw ProblemException.badRequest(ErrorCode.INVALID_CURSOR, "The cursor is not one this list returned.");
            }
        }
    }
}
