// Starts Swagger UI on /api/v1/docs with the settings the page carries as JSON, from a static
// file because the Content-Security-Policy refuses inline scripts. Requests made with "Try it
// out" carry the CSRF token (the browser session is one of the API's sign-in methods).
(function () {
  "use strict";
  var settings = JSON.parse(document.getElementById("swagger-settings").textContent);
  var csrfToken = document.body.dataset.csrfToken;
  settings.dom_id = "#swagger-ui";
  settings.presets = [window.SwaggerUIBundle.presets.apis];
  settings.requestInterceptor = function (request) {
    if (csrfToken) request.headers["X-CSRFToken"] = csrfToken;
    return request;
  };
  window.ui = window.SwaggerUIBundle(settings);
})();
