/**
 * The shared types of internal calls between the services ({@code /internal/**}, role
 * {@code service}, never routed by the gateway). One definition per call, used by the caller's REST
 * client and the receiver's resource alike. Views read from another service ignore unknown fields,
 * so that a receiver may add fields without breaking its callers.
 *
 * <ul>
 * <li>tasks → projects: {@code POST /internal/v1/generations} ({@link GenerationFromTask} → {@link GenerationRef})</li>
 * <li>tasks → credits: {@code POST /internal/v1/charges} ({@link ChargeRequest} → {@link LedgerEntryView})</li>
 * <li>tasks → storage: {@code POST /internal/v1/storage/objects/{id}/confirm} ({@link ConfirmTaskOutput} → {@link StorageObjectView})</li>
 * <li>projects → storage: {@code GET /internal/v1/storage/objects/{id}} → {@link StorageObjectView};
 *     {@code POST /internal/v1/storage/objects/deletions} ({@link ObjectDeletions})</li>
 * <li>storage → tasks: {@code GET /internal/v1/tasks/{id}/lease?lease_token=} → {@link TaskLeaseView}</li>
 * </ul>
 */
package ai.reigh.common.internal;
