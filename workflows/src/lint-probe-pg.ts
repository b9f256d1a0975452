import { Client } from 'pg';
export const z = Client;
