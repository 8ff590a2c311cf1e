// JSON over fetch with the page's CSRF token; errors come back in Attune's one error shape.

export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `The server answered ${status}.`);
    this.status = status;
    this.code = error.code;
    this.fields = error.fields || [];
  }
}

export function makeApi(root) {
  const token = root.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";
  async function call(method, url, body) {
    const options = {
      method,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token },
    };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(url, options);
    if (response.status === 204) return null;
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }
  return {
    get: (url) => call("GET", url),
    post: (url, body) => call("POST", url, body),
    patch: (url, body) => call("PATCH", url, body),
    put: (url, body) => call("PUT", url, body),
    del: (url) => call("DELETE", url),
  };
}

export async function getJSON(url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`${response.status}`);
  return response.json();
}
