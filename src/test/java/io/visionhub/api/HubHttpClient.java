package io.visionhub.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.IntSupplier;

/**
 * HTTP requests to a hub a test started on a random port, with the demo credentials: a Basic login
 * ({@code user:user-demo}) or an API key as header pairs. The port is read at each request, so that a test can
 * create this client in a field initializer before Spring has injected its {@code @LocalServerPort}.
 */
public final class HubHttpClient {

    private final HttpClient http = HttpClient.newHttpClient();
    private final String host;
    private final IntSupplier port;

    /** Requests to {@code localhost}. */
    public HubHttpClient(IntSupplier port) {
        this("localhost", port);
    }

    public HubHttpClient(String host, IntSupplier port) {
        this.host = host;
        this.port = port;
    }

    public URI uri(String path) {
        return URI.create("http://" + host + ":" + port.getAsInt() + path);
    }

    /** One request; {@code body} null for none; {@code headers} as name, value, name, value... */
    public HttpResponse<String> send(String method, String path, String body, String... headers)
            throws IOException, InterruptedException {
        return send(method, path, body, HttpResponse.BodyHandlers.ofString(), headers);
    }

    public <T> HttpResponse<T> send(
            String method, String path, String body, HttpResponse.BodyHandler<T> answer, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), answer);
    }

    /** A JSON request as the demo user {@code user} (password {@code user-demo}), anonymous where user is null. */
    public HttpResponse<String> sendAs(String method, String path, String body, String user)
            throws IOException, InterruptedException {
        return sendAs(method, path, body, user, HttpResponse.BodyHandlers.ofString());
    }

    public <T> HttpResponse<T> sendAs(
            String method, String path, String body, String user, HttpResponse.BodyHandler<T> answer)
            throws IOException, InterruptedException {
        String[] headers = user == null ? new String[] {"Content-Type", "application/json"} : basicJson(user);
        return send(method, path, body, answer, headers);
    }

    /** The Authorization header pair of demo user {@code user} (password {@code user-demo}). */
    public static String[] basic(String user) {
        return basic(user, user + "-demo");
    }

    public static String[] basic(String user, String password) {
        return new String[] {"Authorization", basicAuth(user, password)};
    }

    /** The Authorization header pair of demo user {@code user} and a JSON Content-Type. */
    public static String[] basicJson(String user) {
        return new String[] {"Authorization", basicAuth(user, user + "-demo"), "Content-Type", "application/json"};
    }

    /** The value of a Basic Authorization header. */
    public static String basicAuth(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
