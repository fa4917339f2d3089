package io.visionhub.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.visionhub.event.EventJson;

/**
 * The body of every error answer of the API.
 *
 * @param code    stable machine-readable code (e.g. {@code stale_version}, {@code invalid_field})
 * @param message what is wrong and what to do, for a person
 * @param field   the offending field or parameter, or null when the error is not about one field
 */
public record ApiError(String code, String message, String field) {

    /** This error as JSON (nulls included so that clients always see the three keys). */
    public String toJson() {
        try {
            return EventJson.mapper()
                    .copy()
                    .setSerializationInclusion(JsonInclude.Include.ALWAYS)
                    .writeValueAsString(this);
        } catch (JsonProcessingException e) {
            return "{\"code\":\"internal_error\",\"message\":\"cannot write error\",\"field\":null}";
        }
    }

    /** The code used for a bare HTTP status where no more precise one is known. */
    public static String codeFor(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 409 -> "conflict";
            case 413 -> "payload_too_large";
            case 415 -> "unsupported_media_type";
            case 503 -> "unavailable";
            default -> status >= 500 ? "internal_error" : "error";
        };
    }
}
