from odoo import http
from odoo.http import request

from .. import reviews
from ._headers import private_page
from ._lang import visitor_language


class SocialCrmReview(http.Controller):
    """The personal review page (one use, from the invitation) and the public
    page of a company's published reviews."""

    def _error_text(self, error):
        """What the reviewer must correct, in the page's language."""
        if error.code == "too_long":
            return request.env._(
                "Keep your review under %(max)s characters.", max=error.params["max"]
            )
        if error.code == "rating":
            return request.env._("Choose a score from 1 to 5 stars.")
        return str(error)

    def _invalid(self):
        return request.render("social_crm.review_invalid", status=404)

    @http.route(
        "/social_crm/review/<string:token>",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
    )
    @private_page
    @visitor_language
    def review_page(self, token, **kwargs):
        review = request.env["social_crm.review"]._from_token(token)
        if not review:
            return self._invalid()
        return request.render("social_crm.review_page", {"review": review, "token": token})

    @http.route(
        "/social_crm/review/<string:token>",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
    )
    @private_page
    @visitor_language
    def review_submit(self, token, rating="", title="", text="", **kwargs):
        review = request.env["social_crm.review"]._from_token(token)
        if not review:
            return self._invalid()
        try:
            review._submit(rating, title, text)
        except reviews.ReviewError as error:
            return request.render(
                "social_crm.review_page",
                {
                    "review": review,
                    "token": token,
                    "error": self._error_text(error),
                    "rating": rating,
                    "title": title,
                    "text": text,
                },
            )
        return request.render("social_crm.review_done", {"review": review})

    @http.route(
        "/social_crm/reviews/<int:company_id>",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
    )
    @private_page
    @visitor_language
    def reviews_page(self, company_id, **kwargs):
        company = request.env["res.company"].sudo().browse(company_id).exists()
        if not company:
            return self._invalid()
        published = (
            request.env["social_crm.review"]
            .sudo()
            .search(
                [("company_id", "=", company.id), ("state", "=", "published")],
                order="published_at desc, id desc",
            )
        )
        average, count, distribution = reviews.summary(published.mapped("rating"))
        return request.render(
            "social_crm.reviews_public",
            {
                "company": company,
                "reviews": published[:100],
                "average": average,
                "count": count,
                "distribution": distribution,
            },
        )
