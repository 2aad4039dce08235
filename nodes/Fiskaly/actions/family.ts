import { FISKALY_FAMILIES } from '../auth';
import type { FiskalyFamily } from '../auth';
import type { Resource } from '../../shared/operations';
import type { FiskalyConnection } from '../transport';

/** A resource of one product family: refused, with what to do, when the credential is of another. */
export function onlyFor(...families: FiskalyFamily[]): NonNullable<Resource<FiskalyConnection>['unavailable']> {
	return (api, resource) => {
		if (families.includes(api.settings.family)) return undefined;
		const wanted = families.map((family) => FISKALY_FAMILIES[family].label).join(' or ');
		return {
			message: `"${resource.name}" needs a ${wanted} credential, but the fiskalyApi credential is set to ${api.settings.label}`,
			description: `Choose a resource of ${api.settings.label} (or Custom API Call), or a credential for ${wanted}.`,
		};
	};
}
