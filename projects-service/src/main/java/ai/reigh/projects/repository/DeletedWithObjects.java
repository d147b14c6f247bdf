package ai.reigh.projects.repository;

import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;

/** The outcome of a delete that queues storage deletions: rows deleted, object deletions queued. */
public record DeletedWithObjects(long deleted, long queued) {

    public boolean found() {
        return deleted > 0;
    }

    static DeletedWithObjects from(RowSet<Row> rows) {
        Row row = rows.iterator().next();
        return new DeletedWithObjects(row.getLong("deleted"), row.getLong("queued"));
    }
}
