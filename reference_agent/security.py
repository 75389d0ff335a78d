"""Authentication, skill scopes and card signing, wired into the served agent (issue 5).

:class:`Security` is built once from the settings (``serve --auth… --card-signing-key…``) and
applied by the app at four points:

1. the public card gets the security declarations of ``--auth`` (:func:`card.add_security`:
   top-level scheme, and the ``admin`` skill needing :data:`card.ADMIN_SCOPE`), and is then
   signed with every ``--card-signing-key`` **before** its bytes and ETag are computed;
2. the extended card gets the same declarations (v1.0 form) and the same signatures;
3. the engine's ``skill_guard`` refuses a message routed to a skill whose scopes the caller
   lacks: HTTP 403 with ``WWW-Authenticate: Bearer error="insufficient_scope"`` and the JSON-RPC
   authorization error (-32004, ``PERMISSION_DENIED``) as body, so a client of either layer sees
   the refusal it knows;
4. the ASGI app is wrapped in :class:`auth.AuthMiddleware`, **only** when ``--auth`` is not
   ``none`` (the default chain stays as fast as before).

With ``--auth none`` and no signing key, :meth:`Security.from_settings` builds nothing that runs
per request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .auth import PRINCIPAL_KEY, Authenticator, AuthError, AuthMiddleware, Principal, SkillScopes
from .auth.middleware import ASGIApp
from .auth.setup import SCHEME_NAMES, build_authenticator, card_security
from .card import ADMIN_SCOPE, ADMIN_SKILL, add_security
from .config import AgentSettings
from .errors import AuthorizationError
from .jose import JoseError, SigningKey
from .service import RequestContext
from .signing import jwks_document, load_signing_keys, sign_card

__all__ = [
    "PRINCIPAL_KEY",
    "SKILL_SCOPES",
    "Security",
    "SecurityConfigError",
]

SKILL_SCOPES: dict[str, tuple[str, ...]] = {ADMIN_SKILL.id: (ADMIN_SCOPE,)}
"""Scopes per skill when authentication is on (the card declares them)."""


class SecurityConfigError(ValueError):
    """A security option that cannot be used (unreadable key, bad key file); exit status 2."""


@dataclass(slots=True)
class Security:
    """What ``--auth`` and ``--card-signing-key`` turned into; see the module docstring."""

    authenticator: Authenticator | None = None
    signing_keys: list[SigningKey] = field(default_factory=list)
    skill_scopes: SkillScopes | None = None  # built with the authenticator: never lagging it

    @classmethod
    def from_settings(cls, settings: AgentSettings) -> Security:
        """Load keys and key files; :class:`SecurityConfigError` names what is wrong."""
        keys: list[SigningKey] = []
        if settings.card_signing_keys:
            try:
                keys = load_signing_keys(
                    settings.card_signing_keys, settings.card_signing_kids, settings.card_jku
                )
            except JoseError as exc:
                raise SecurityConfigError(f"--card-signing-key: {exc}") from None
            if len({key.kid for key in keys}) != len(keys):
                raise SecurityConfigError("--card-signing-kid: two signing keys share one kid")
        if not settings.auth_enabled:
            return cls(signing_keys=keys)
        try:
            authenticator = build_authenticator(
                settings.auth_mode,
                jwks_url=settings.auth_jwks_url,
                jwt_key_pem=settings.auth_jwt_key_path,
                issuer=settings.auth_issuer,
                audience=settings.auth_audience,
                leeway=settings.auth_leeway_seconds,
                jwks_ttl=settings.auth_jwks_ttl_seconds,
                jwks_min_refresh=settings.auth_jwks_min_refresh_seconds,
                api_key_file=settings.auth_api_key_file,
            )
        except (ValueError, OSError) as exc:
            raise SecurityConfigError(str(exc)) from None
        # What the card declares (SKILL_SCOPES) is what the guard checks, from the start.
        per_skill = {skill: (frozenset(scopes),) for skill, scopes in SKILL_SCOPES.items()}
        return cls(authenticator, keys, SkillScopes((frozenset(),), per_skill))

    @property
    def mode(self) -> str:
        """``none``, ``jwt`` or ``api-key``."""
        return "none" if self.authenticator is None else self.authenticator.mode

    @property
    def jwks(self) -> dict[str, Any] | None:
        """The signing keys' public JWKS (served at ``/.well-known/jwks.json``), if signed."""
        return jwks_document(self.signing_keys) if self.signing_keys else None

    # -- cards -------------------------------------------------------------------------------
    @property
    def scheme(self) -> str:
        """The card's name for the active scheme (``bearer`` / ``apiKey``)."""
        return SCHEME_NAMES.get(self.mode, "")

    def public_card(self, card: dict[str, Any]) -> dict[str, Any]:
        """The public card as served: declarations, then signatures (nothing when off)."""
        card = self._declare(card, dual_stack=True)
        return sign_card(card, self.signing_keys) if self.signing_keys else card

    def extended_card(self, card: dict[str, Any]) -> dict[str, Any]:
        """The (v1.0-shaped) extended card with the same declarations and signatures."""
        card = self._declare(card, dual_stack=False)
        return sign_card(card, self.signing_keys) if self.signing_keys else card

    def _declare(self, card: dict[str, Any], *, dual_stack: bool) -> dict[str, Any]:
        if self.authenticator is None:
            return card
        members = card_security(self.mode)
        return add_security(card, members, self.scheme, SKILL_SCOPES, dual_stack=dual_stack)

    # -- requests ----------------------------------------------------------------------------
    def skill_guard(self, skill_id: str, ctx: RequestContext) -> None:
        """Raise :class:`AuthorizationError` (with its challenge) unless ``ctx`` holds the
        skill's scopes."""
        scopes, authenticator = self.skill_scopes, self.authenticator
        if scopes is None or authenticator is None:
            return
        caller = Principal(subject=ctx.principal or "", scopes=ctx.scopes)
        try:
            scopes.check(caller, skill_id)
        except AuthError as refusal:
            refusal.scheme = authenticator.scheme
            raise AuthorizationError(
                f"{refusal.description}; the credentials grant: "
                f"{' '.join(sorted(ctx.scopes)) or '(no scopes)'}",
                challenge=refusal.challenge(),
            ) from None

    def wrap(self, app: ASGIApp) -> ASGIApp:
        """``app`` behind the authentication middleware; ``app`` itself when auth is off."""
        if self.authenticator is None:
            return app
        return AuthMiddleware(app, self.authenticator)

    async def aclose(self) -> None:
        """Release the JWKS cache's HTTP client (at shutdown)."""
        if self.authenticator is not None:
            await self.authenticator.aclose()
