import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

/**
 * n8n 2.x's per-credential "Allowed HTTP Request Domains" (fields `allowedHttpRequestDomains` and
 * `allowedDomains`, added by n8n to every credential that authenticates). n8n-core enforces them for
 * the HTTP Request node and declarative nodes, not for a programmatic node's
 * `httpRequestWithAuthentication` nor for a credential's own token exchange, so the shared layer
 * does, for every request of the credential: API calls, each redirect hop it follows, token exchanges.
 *
 * - "domains": only hosts on the list (`example.com` exactly, `*.example.com` its subdomains); a list
 *   that leaves the provider out stops every request, with n8n's own wording.
 * - "all" (the default), "none", or the fields absent (n8n 1.x): no list. "none" is n8n's switch for
 *   the HTTP Request node; n8n itself ignores it for a credential's own node and token requests.
 */

export const DOMAIN_RESTRICTED = 'Domain not allowed';

/** The allowlist of the credential, or undefined when it has none. Throws on "domains" with an empty list. */
export function credentialAllowedDomains(credentials: ICredentialDataDecryptedObject | undefined): string | undefined {
	if (!credentials || credentials.allowedHttpRequestDomains !== 'domains') return undefined;
	const list = typeof credentials.allowedDomains === 'string' ? credentials.allowedDomains.trim() : '';
	if (list === '') throw new Error('No allowed domains specified. Configure allowed domains or change restriction setting.');
	return list;
}

function hostnameOf(url: string): string | undefined {
	try {
		return new URL(url).hostname.toLowerCase().replace(/\.$/, '') || undefined;
	} catch {
		return undefined;
	}
}

/** n8n's matching: `*.example.com` matches subdomains only, anything else the exact host name. */
export function isDomainAllowed(url: string, allowedDomains: string | undefined): boolean {
	if (allowedDomains === undefined) return true;
	const host = hostnameOf(url);
	if (!host) return false;
	return allowedDomains
		.split(',')
		.map((domain) => domain.trim().toLowerCase().replace(/\.$/, ''))
		.filter(Boolean)
		.some((domain) => (domain.startsWith('*.') ? domain.length > 2 && host.endsWith(domain.slice(1)) : host === domain));
}

/** Why a URL is refused, in n8n's words; undefined when it is allowed. Only the host is named. */
export function domainRefusal(url: string, allowedDomains: string | undefined): string | undefined {
	if (isDomainAllowed(url, allowedDomains)) return undefined;
	let host = url;
	try {
		host = new URL(url).host;
	} catch {
		host = '(not a URL)';
	}
	return `${DOMAIN_RESTRICTED}: This credential is restricted from accessing ${host}. Only the following domains are allowed: ${allowedDomains}`;
}
