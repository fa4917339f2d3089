package io.visionhub.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.AntPathMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Size and media-type limits of request bodies under /api: a body larger than the limit gets 413 (also when
 * sent chunked: the body is read up to the limit and then refused), a non-JSON body 415. Runs after Spring
 * Security, so an unauthenticated caller learns nothing but 401.
 */
public class ApiRequestLimitsFilter extends OncePerRequestFilter {

    private static final Logger LOG = LoggerFactory.getLogger(ApiRequestLimitsFilter.class);
    private static final AntPathMatcher PATHS = new AntPathMatcher();

    private final long maxBytes;
    private final List<String> rawBodyPaths;
    private final List<ApiProperties.UploadPath> uploadPaths;
    private final ApiErrorWriter errors;

    public ApiRequestLimitsFilter(long maxBytes, List<String> rawBodyPaths, ApiErrorWriter errors) {
        this(maxBytes, rawBodyPaths, List.of(), errors);
    }

    /** @param uploadPaths paths that take non-JSON bodies up to their own size, streamed (not buffered here) */
    public ApiRequestLimitsFilter(
            long maxBytes,
            List<String> rawBodyPaths,
            List<ApiProperties.UploadPath> uploadPaths,
            ApiErrorWriter errors) {
        this.maxBytes = maxBytes;
        this.rawBodyPaths = rawBodyPaths;
        this.uploadPaths = uploadPaths;
        this.errors = errors;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String m = request.getMethod();
        return !(m.equals("PUT") || m.equals("POST") || m.equals("PATCH"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        long declared = request.getContentLengthLong();
        ApiProperties.UploadPath upload = uploadPaths.stream()
                .filter(u -> PATHS.match(u.path(), path))
                .findFirst()
                .orElse(null);
        if (upload != null) {
            // an upload is streamed to the route (a multipart body by the servlet container, which also enforces
            // the size when no length is declared: spring.servlet.multipart.*)
            if (declared > upload.maxSize().toBytes()) {
                LOG.info(
                        "refused {} {}: upload of {} bytes exceeds the limit of {} bytes ({})",
                        request.getMethod(),
                        path,
                        declared,
                        upload.maxSize().toBytes(),
                        upload.sizeKey());
                errors.write(
                        response,
                        413,
                        new ApiError(
                                "payload_too_large",
                                "the upload is larger than the limit of "
                                        + upload.maxSize().toBytes() + " bytes (" + upload.sizeKey() + ")",
                                null));
                return;
            }
            chain.doFilter(request, response);
            return;
        }
        if (declared > maxBytes) {
            refuseTooLarge(request, response, declared + " bytes");
            return;
        }
        boolean raw = rawBodyPaths.stream().anyMatch(p -> PATHS.match(p, path));
        String type = request.getContentType();
        if (!raw && declared != 0 && type != null && !isJson(type)) {
            LOG.info("refused {} {}: body of type {} where JSON is expected", request.getMethod(), path, type);
            errors.write(
                    response,
                    415,
                    new ApiError(
                            "unsupported_media_type",
                            "send the body as application/json (got " + type + ")",
                            "Content-Type"));
            return;
        }
        byte[] body = readAtMost(request.getInputStream(), maxBytes + 1);
        if (body.length > maxBytes) {
            refuseTooLarge(request, response, "more than " + maxBytes + " bytes");
            return;
        }
        chain.doFilter(new BufferedBodyRequest(request, body), response);
    }

    private void refuseTooLarge(HttpServletRequest request, HttpServletResponse response, String size)
            throws IOException {
        LOG.info(
                "refused {} {}: body of {} exceeds the limit of {} bytes (visionhub.api.max-body-size)",
                request.getMethod(),
                request.getRequestURI(),
                size,
                maxBytes);
        errors.write(
                response,
                413,
                new ApiError("payload_too_large", "the body is larger than the limit of " + maxBytes + " bytes", null));
    }

    static boolean isJson(String contentType) {
        String t = contentType.toLowerCase(Locale.ROOT);
        int semi = t.indexOf(';');
        String base = (semi < 0 ? t : t.substring(0, semi)).trim();
        return base.equals("application/json") || base.endsWith("+json");
    }

    private static byte[] readAtMost(InputStream in, long limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        long total = 0;
        int n;
        while (total < limit && (n = in.read(buf, 0, (int) Math.min(buf.length, limit - total))) > 0) {
            out.write(buf, 0, n);
            total += n;
        }
        return out.toByteArray();
    }

    /** The request with its body already read (so it can be read again by the route). */
    static final class BufferedBodyRequest extends HttpServletRequestWrapper {
        private final byte[] body;

        BufferedBodyRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("body is buffered; read it synchronously");
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
