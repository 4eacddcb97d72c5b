import { profileValidate } from './profile-validate.js';
import { profileShow } from './profile-show.js';
import { profileSchema } from './profile-schema.js';

export const profileCommands = [profileValidate, profileShow, profileSchema];
