import { json } from '@sveltejs/kit';
import { APPEARANCE_CHOICES, CHARACTER_CLASSES } from '../../../../../server/assets/image-generator.ts';

export const GET = () => json({ classes: CHARACTER_CLASSES, appearance: APPEARANCE_CHOICES });
