/**
 * The shared types of internal calls between the services ({@code /internal/**}, role
 * {@code service}, never routed by the gateway). One definition per call, used by the caller's REST
 * client and the receiver's resource alike.
 *
 * <p>Every type here ignores fields it does not know, in both directions ({@link ToleratesUnknownFields}
 * on this package): during a rolling upgrade a newer caller may send a field an older receiver does not
 * know, and a newer receiver may answer one an older caller does not know. A body refused for a new
 * field would be a lost charge. Public write bodies stay strict. {@code InternalContractsTest} reads
 * every type of this package with extra fields.
 *
 * <ul>
 * <li>tasks → projects: {@code POST /internal/v1/generations} ({@link GenerationFromTask} → {@link GenerationRef});
 *     {@code POST /internal/v1/generations/batch} ({@link GenerationBatch} → {@link GenerationBatchResult})</li>
 * <li>tasks → credits: {@code POST /internal/v1/charges} ({@link ChargeRequest} → {@link LedgerEntryView});
 *     {@code POST /internal/v1/charges/batch} ({@link ChargeBatch} → {@link ChargeBatchResult})</li>
 * <li>tasks → storage: {@code POST /internal/v1/storage/objects/{id}/confirm} ({@link ConfirmTaskOutput} → {@link StorageObjectView});
 *     {@code POST /internal/v1/storage/objects/{id}/release} ({@link ConfirmTaskOutput})</li>
 * <li>projects → storage: {@code GET /internal/v1/storage/objects/{id}} → {@link StorageObjectView};
 *     {@code POST /internal/v1/storage/objects/deletions} ({@link ObjectDeletions})</li>
 * <li>storage → tasks: {@code GET /internal/v1/tasks/{id}/lease?lease_token=} → {@link TaskLeaseView}</li>
 * </ul>
 */
@ToleratesUnknownFields
package ai.reigh.common.internal;

import ai.reigh.common.json.ToleratesUnknownFields;
