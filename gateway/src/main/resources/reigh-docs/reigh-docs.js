// Starts Swagger UI on the gateway's merged document. A file rather than an inline script, so that the
// page's Content-Security-Policy allows scripts from this origin only.
window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    // "Try it out" sends requests to this origin; a token goes in "Authorize" (./reigh token).
    persistAuthorization: false,
    displayRequestDuration: true,
    docExpansion: 'none',
    filter: true,
    tagsSorter: 'alpha',
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout'
  });
});
