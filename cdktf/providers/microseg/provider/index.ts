// https://terraform.local/providers/microseg/microseg/latest/docs
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface MicrosegProviderConfig {
  /**
  * PEM certificate(s) of the CA that signed an https endpoint. Default: MICROSEG_CA_CERT.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs#ca_cert MicrosegProvider#ca_cert}
  */
  readonly caCert?: string;
  /**
  * URL of the microseg policy service. Default: MICROSEG_ENDPOINT, else http://127.0.0.1:7480.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs#endpoint MicrosegProvider#endpoint}
  */
  readonly endpoint?: string;
  /**
  * true: do not verify the https certificate of the service. Default: MICROSEG_INSECURE, else false.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs#insecure MicrosegProvider#insecure}
  */
  readonly insecure?: boolean | cdktf.IResolvable;
  /**
  * The longest one request to the service may take, retries included, and how long apply waits for hosts to realize a change; a duration such as "90s" or "5m". Default: MICROSEG_TIMEOUT, else 5m.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs#timeout MicrosegProvider#timeout}
  */
  readonly timeout?: string;
  /**
  * Bearer token for the service (role admin to change objects). Default: MICROSEG_TOKEN.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs#token MicrosegProvider#token}
  */
  readonly token?: string;
  /**
  * true (default): after a change, wait until every host runs the new policy generation, or fail naming the hosts that lag. Hosts that carry no entity and whose agent never reported are not waited for; a host with entities whose agent has not reported within 15 s fails the apply at once, naming it. Default: MICROSEG_WAIT_FOR_REALIZATION.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs#wait_for_realization MicrosegProvider#wait_for_realization}
  */
  readonly waitForRealization?: boolean | cdktf.IResolvable;
  /**
  * Alias name
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs#alias MicrosegProvider#alias}
  */
  readonly alias?: string;
}

/**
* Represents a {@link https://terraform.local/providers/microseg/microseg/latest/docs microseg}
*/
export class MicrosegProvider extends cdktf.TerraformProvider {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "microseg";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a MicrosegProvider resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the MicrosegProvider to import
  * @param importFromId The id of the existing MicrosegProvider that should be imported. Refer to the {@link https://terraform.local/providers/microseg/microseg/latest/docs#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the MicrosegProvider to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "microseg", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://terraform.local/providers/microseg/microseg/latest/docs microseg} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options MicrosegProviderConfig = {}
  */
  public constructor(scope: Construct, id: string, config: MicrosegProviderConfig = {}) {
    super(scope, id, {
      terraformResourceType: 'microseg',
      terraformGeneratorMetadata: {
        providerName: 'microseg'
      },
      terraformProviderSource: 'terraform.local/microseg/microseg'
    });
    this._caCert = config.caCert;
    this._endpoint = config.endpoint;
    this._insecure = config.insecure;
    this._timeout = config.timeout;
    this._token = config.token;
    this._waitForRealization = config.waitForRealization;
    this._alias = config.alias;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // ca_cert - computed: false, optional: true, required: false
  private _caCert?: string; 
  public get caCert() {
    return this._caCert;
  }
  public set caCert(value: string | undefined) {
    this._caCert = value;
  }
  public resetCaCert() {
    this._caCert = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get caCertInput() {
    return this._caCert;
  }

  // endpoint - computed: false, optional: true, required: false
  private _endpoint?: string; 
  public get endpoint() {
    return this._endpoint;
  }
  public set endpoint(value: string | undefined) {
    this._endpoint = value;
  }
  public resetEndpoint() {
    this._endpoint = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get endpointInput() {
    return this._endpoint;
  }

  // insecure - computed: false, optional: true, required: false
  private _insecure?: boolean | cdktf.IResolvable; 
  public get insecure() {
    return this._insecure;
  }
  public set insecure(value: boolean | cdktf.IResolvable | undefined) {
    this._insecure = value;
  }
  public resetInsecure() {
    this._insecure = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get insecureInput() {
    return this._insecure;
  }

  // timeout - computed: false, optional: true, required: false
  private _timeout?: string; 
  public get timeout() {
    return this._timeout;
  }
  public set timeout(value: string | undefined) {
    this._timeout = value;
  }
  public resetTimeout() {
    this._timeout = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get timeoutInput() {
    return this._timeout;
  }

  // token - computed: false, optional: true, required: false
  private _token?: string; 
  public get token() {
    return this._token;
  }
  public set token(value: string | undefined) {
    this._token = value;
  }
  public resetToken() {
    this._token = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get tokenInput() {
    return this._token;
  }

  // wait_for_realization - computed: false, optional: true, required: false
  private _waitForRealization?: boolean | cdktf.IResolvable; 
  public get waitForRealization() {
    return this._waitForRealization;
  }
  public set waitForRealization(value: boolean | cdktf.IResolvable | undefined) {
    this._waitForRealization = value;
  }
  public resetWaitForRealization() {
    this._waitForRealization = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get waitForRealizationInput() {
    return this._waitForRealization;
  }

  // alias - computed: false, optional: true, required: false
  private _alias?: string; 
  public get alias() {
    return this._alias;
  }
  public set alias(value: string | undefined) {
    this._alias = value;
  }
  public resetAlias() {
    this._alias = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get aliasInput() {
    return this._alias;
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      ca_cert: cdktf.stringToTerraform(this._caCert),
      endpoint: cdktf.stringToTerraform(this._endpoint),
      insecure: cdktf.booleanToTerraform(this._insecure),
      timeout: cdktf.stringToTerraform(this._timeout),
      token: cdktf.stringToTerraform(this._token),
      wait_for_realization: cdktf.booleanToTerraform(this._waitForRealization),
      alias: cdktf.stringToTerraform(this._alias),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      ca_cert: {
        value: cdktf.stringToHclTerraform(this._caCert),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      endpoint: {
        value: cdktf.stringToHclTerraform(this._endpoint),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      insecure: {
        value: cdktf.booleanToHclTerraform(this._insecure),
        isBlock: false,
        type: "simple",
        storageClassType: "boolean",
      },
      timeout: {
        value: cdktf.stringToHclTerraform(this._timeout),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      token: {
        value: cdktf.stringToHclTerraform(this._token),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      wait_for_realization: {
        value: cdktf.booleanToHclTerraform(this._waitForRealization),
        isBlock: false,
        type: "simple",
        storageClassType: "boolean",
      },
      alias: {
        value: cdktf.stringToHclTerraform(this._alias),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
