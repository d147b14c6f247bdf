package ai.reigh.storage.rest;

import java.util.Map;

import ai.reigh.common.internal.StorageObjectView;
import ai.reigh.storage.repository.StorageObjectRow;
import ai.reigh.storage.service.UploadService;

/** Rows to the API's shapes. */
final class Views {
    private Views() {
    }

    static ObjectView object(StorageObjectRow row, String url) {
        return new ObjectView(row.id(), row.bucket(), row.key(), row.ownerId(), row.sizeBytes(), row.contentType(),
                row.status(), url, row.filename(), row.createdAt());
    }

    static StorageObjectView internal(StorageObjectRow row, String url) {
        return new StorageObjectView(row.id(), row.bucket(), row.key(), row.ownerId(), row.sizeBytes(),
                row.contentType(), row.status(), url, row.createdAt(), row.taskId());
    }

    static UploadTicketView ticket(UploadService.UploadTicket ticket) {
        StorageObjectRow row = ticket.object();
        return new UploadTicketView(row.id(), row.bucket(), row.key(), ticket.uploadUrl(), "PUT",
                Map.of("Content-Type", ticket.contentType()), ticket.expiresAt());
    }
}
