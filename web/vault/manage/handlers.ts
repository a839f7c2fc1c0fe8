// Every same-origin message type of clients-and-crypto.md §1.4 except EVENT and ACQUIRE_CONSENT, which the
// vault core answers itself (vault/handlers.ts describes the contract).
import type { ManageHandlers } from '../handlers.ts';
import {
  CHANGE_CREDENTIALS,
  CREATE_ACCOUNT,
  FORGOT_PASSWORD,
  JOIN,
  RESET_PASSWORD,
  RETIRE_ACCOUNT,
  SETUP,
  SETUP_STATUS,
  SHARE_ACCOUNT,
  UPDATE_ACCOUNT_STYLES,
} from './account-calls.ts';
import { COMPLETE_ONBOARDING, CONSENT_STATUS, EXPRESS_CONSENT, ONBOARDING_STATUS } from './consent.ts';
import { PURGE, QUERY } from './query.ts';
import { LOGIN, LOGOUT } from './session.ts';

export const manageHandlers: ManageHandlers = {
  CONSENT_STATUS,
  EXPRESS_CONSENT,
  QUERY,
  PURGE,
  LOGIN,
  LOGOUT,
  CHANGE_CREDENTIALS,
  FORGOT_PASSWORD,
  RESET_PASSWORD,
  SHARE_ACCOUNT,
  JOIN,
  CREATE_ACCOUNT,
  RETIRE_ACCOUNT,
  UPDATE_ACCOUNT_STYLES,
  SETUP_STATUS,
  SETUP,
  ONBOARDING_STATUS,
  COMPLETE_ONBOARDING,
};
