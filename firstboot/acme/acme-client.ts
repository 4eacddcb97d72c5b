/**
 * The parts of acme-client first boot uses (the client, its crypto, its HTTP instance), imported
 * one by one: the package's index also loads its legacy node-forge API, a quarter of acme-client's
 * load time, which an emulated or small node pays on every first boot and renewal for nothing.
 * Same code, same version (the lock file's); the types are the package's own.
 */
import type { Client as AcmeClient } from 'acme-client';
import axiosInstance from 'acme-client/src/axios.js';
import ClientClass from 'acme-client/src/client.js';
import cryptoModule from 'acme-client/src/crypto/index.js';

export const Client = ClientClass;
export type Client = AcmeClient;
export const crypto = cryptoModule;
export const axios = axiosInstance;
