import { createPrivateKey, createPublicKey, sign, verify } from 'crypto';
import type { JsonWebKey, KeyObject } from 'crypto';

/**
 * ES256-signed JSON Web Tokens (compact JWS), for every provider that authenticates its webhook
 * notifications with a bearer JWT signed by a published P-256 key (Fatture in Cloud). The check is
 * strict on purpose: the header must say ES256 (never `none`, HS*, RS* or anything else: the
 * algorithm is not negotiated from the token), the key must be a P-256 public key, the signature
 * must be the JOSE form (r||s, 64 bytes), `exp` must be present and not past (small leeway), `aud`
 * must contain the expected audience and `sub` must be one of the expected subjects. A refusal says
 * which check failed, never quoting the token.
 */

export type Es256PublicKey = string | JsonWebKey;

export interface JwtCheck {
	/** The token, or an `Authorization` header value ("Bearer <token>"), as received. */
	token: string | string[] | undefined;
	/** The signer's public key: PEM (SPKI) or a JWK (kty EC, crv P-256). */
	publicKey: Es256PublicKey;
	/** `aud` (a string or a list) must contain this value. */
	audience: string;
	/** `sub` must equal one of these. */
	subject: string | readonly string[];
	/** `iss` must equal this when given. */
	issuer?: string;
	/** Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds (60 by default). */
	leewaySeconds?: number;
	/** "Now" in milliseconds (tests); Date.now() by default. */
	nowMs?: number;
}

export type JwtRefusal =
	| 'missing token'
	| 'malformed token'
	| 'algorithm not allowed'
	| 'unusable public key'
	| 'bad signature'
	| 'expired'
	| 'not yet valid'
	| 'wrong audience'
	| 'wrong subject'
	| 'wrong issuer';

export type JwtVerdict = { ok: true; claims: Record<string, unknown> } | { ok: false; reason: JwtRefusal };

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function decodeJson(part: string): Record<string, unknown> | undefined {
	try {
		const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
		return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
	} catch {
		return undefined;
	}
}

/** The P-256 public key, or undefined when the material is anything else (an RSA key, a secret, another curve). */
export function es256PublicKey(material: Es256PublicKey): KeyObject | undefined {
	try {
		const key = typeof material === 'string' ? createPublicKey(material) : createPublicKey({ key: material, format: 'jwk' });
		return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1' ? key : undefined;
	} catch {
		return undefined;
	}
}

function tokenOf(value: JwtCheck['token']): string | undefined {
	const raw = (Array.isArray(value) ? value[0] : value)?.trim();
	if (!raw) return undefined;
	const bearer = /^bearer\s+(.+)$/i.exec(raw);
	return (bearer ? bearer[1] : raw).trim();
}

/** Verifies a compact ES256 JWS and its claims; see the file comment. */
export function verifyEs256Jwt(check: JwtCheck): JwtVerdict {
	const token = tokenOf(check.token);
	if (!token) return { ok: false, reason: 'missing token' };
	const parts = token.split('.');
	if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) return { ok: false, reason: 'malformed token' };
	const [encodedHeader, encodedPayload, encodedSignature] = parts;
	const header = decodeJson(encodedHeader);
	if (!header) return { ok: false, reason: 'malformed token' };
	// The one algorithm we accept; a header that asks for anything else (none, HS256 with the public key
	// as secret, ...) is refused before any key is touched. Critical extensions are not understood.
	if (header.alg !== 'ES256' || header.crit !== undefined) return { ok: false, reason: 'algorithm not allowed' };
	const key = es256PublicKey(check.publicKey);
	if (!key) return { ok: false, reason: 'unusable public key' };
	const signature = Buffer.from(encodedSignature, 'base64url');
	if (signature.length !== 64) return { ok: false, reason: 'bad signature' };
	let valid = false;
	try {
		valid = verify('sha256', Buffer.from(`${encodedHeader}.${encodedPayload}`, 'ascii'), { key, dsaEncoding: 'ieee-p1363' }, signature);
	} catch {
		valid = false;
	}
	if (!valid) return { ok: false, reason: 'bad signature' };
	const claims = decodeJson(encodedPayload);
	if (!claims) return { ok: false, reason: 'malformed token' };

	const now = (check.nowMs ?? Date.now()) / 1000;
	const leeway = check.leewaySeconds ?? 60;
	if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp) || claims.exp + leeway <= now) return { ok: false, reason: 'expired' };
	if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf - leeway > now)) return { ok: false, reason: 'not yet valid' };
	if (claims.iat !== undefined && (typeof claims.iat !== 'number' || claims.iat - leeway > now)) return { ok: false, reason: 'not yet valid' };
	const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
	if (check.audience === '' || !audiences.some((entry) => entry === check.audience)) return { ok: false, reason: 'wrong audience' };
	const subjects = ([] as string[]).concat(check.subject).filter((entry) => entry !== '');
	if (typeof claims.sub !== 'string' || !subjects.includes(claims.sub)) return { ok: false, reason: 'wrong subject' };
	if (check.issuer !== undefined && claims.iss !== check.issuer) return { ok: false, reason: 'wrong issuer' };
	return { ok: true, claims };
}

/** Signs claims as a compact ES256 JWS (for simulators and tests; the provider signs in production). */
export function signEs256Jwt(claims: Record<string, unknown>, privateKeyPem: string, header: Record<string, unknown> = {}): string {
	const encode = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
	const input = `${encode({ alg: 'ES256', typ: 'JWT', ...header })}.${encode(claims)}`;
	const signature = sign('sha256', Buffer.from(input, 'ascii'), { key: createPrivateKey(privateKeyPem), dsaEncoding: 'ieee-p1363' });
	return `${input}.${signature.toString('base64url')}`;
}
