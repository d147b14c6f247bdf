package ai.reigh.common.auth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;

import org.eclipse.microprofile.rest.client.ext.ClientHeadersFactory;
import org.jboss.logging.MDC;

import ai.reigh.common.http.RequestIds;

/**
 * Headers of every internal call: a {@code service} bearer token and the current request id, so
 * that one request can be followed across services in the logs.
 */
@ApplicationScoped
public class ServiceAuthHeaders implements ClientHeadersFactory {
    private final ServiceTokens tokens;

    public ServiceAuthHeaders(ServiceTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public MultivaluedMap<String, String> update(MultivaluedMap<String, String> incoming,
            MultivaluedMap<String, String> outgoing) {
        MultivaluedMap<String, String> headers = new MultivaluedHashMap<>();
        headers.putSingle("Authorization", "Bearer " + tokens.bearer());
        Object requestId = MDC.get("request_id");
        if (requestId != null) {
            headers.putSingle(RequestIds.HEADER, requestId.toString());
        }
        return headers;
    }
}
