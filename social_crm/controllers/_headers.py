"""The headers of the public pages (consent, review, photo gallery)."""

import functools

#: their addresses hold a personal token: no cache keeps the page, and no
#: link on it leaks the address to another site
PRIVATE_PAGE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def private_page(handler):
    """Decorate a route handler (under ``@http.route``) so that every
    response it returns, "not valid" pages included, carries
    :data:`PRIVATE_PAGE_HEADERS`."""

    @functools.wraps(handler)
    def wrapper(*args, **kwargs):
        response = handler(*args, **kwargs)
        for header, value in PRIVATE_PAGE_HEADERS.items():
            response.headers[header] = value
        return response

    return wrapper
