package io.visionhub.web;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser's session with the web app over real HTTP, for tests: keeps cookies (the session), follows no
 * redirects (tests look at them), reads the CSRF token from a page's {@code _csrf} meta tag or hidden field.
 */
public final class WebSession {

    private static final Pattern META = Pattern.compile("<meta name=\"_csrf\" content=\"([^\"]+)\"");
    private static final Pattern FIELD = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private final IntSupplier port;
    private final HttpClient http;
    private String csrf;

    public WebSession(IntSupplier port) {
        this.port = port;
        this.http = HttpClient.newBuilder()
                .cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    public HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> r = http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
        remember(r.body());
        return r;
    }

    /** A form POST, with the last CSRF token seen when {@code withCsrf}. */
    public HttpResponse<String> post(String path, Map<String, String> form, boolean withCsrf)
            throws IOException, InterruptedException {
        Map<String, String> all = new LinkedHashMap<>(form);
        if (withCsrf && csrf != null) {
            all.put("_csrf", csrf);
        }
        String body = all.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest req = HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        remember(r.body());
        return r;
    }

    /** Opens the login page (for its token) and logs in; returns the answer to the login POST. */
    public HttpResponse<String> login(String user, String password) throws IOException, InterruptedException {
        get("/login");
        return post("/login", Map.of("username", user, "password", password), true);
    }

    /** The client with this session's cookies (for streams: /ui/stream). */
    public HttpClient client() {
        return http;
    }

    public String csrf() {
        return csrf;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port.getAsInt() + path);
    }

    private void remember(String body) {
        if (body == null) {
            return;
        }
        Matcher m = META.matcher(body);
        if (m.find()) {
            csrf = m.group(1);
            return;
        }
        Matcher f = FIELD.matcher(body);
        if (f.find()) {
            csrf = f.group(1);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
